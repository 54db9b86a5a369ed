import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readRowObjects } from './row-objects';

describe('rows read by vector', () => {
  it("equal DuckDB's own row objects, value for value, across the types the start reads and others", async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // More rows than one DuckDB vector (2,048), so the columns span several chunks. The date,
      // decimal, timestamp and list of decimals go through DuckDB's converter; the rest as read.
      const sql = `
        SELECT i AS n, CAST(i AS BIGINT) * 3 AS big, 'p' || i AS name, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS even,
          CASE WHEN i % 5 = 0 THEN NULL ELSE i / 4 END AS half, CAST(i / 10 AS DECIMAL(4,1)) AS line,
          CAST(DATE '2024-11-04' - CAST(i % 30 AS INTEGER) AS VARCHAR) AS day, DATE '2024-11-04' + CAST(i % 9 AS INTEGER) AS date,
          TIMESTAMP '2024-11-04 12:00:00' + to_seconds(i) AS at, repeat('long name ', i % 4) AS padded,
          CASE WHEN i % 3 = 0 THEN NULL ELSE [CAST(i AS DOUBLE), NULL, 1.5] END AS features,
          ['computed', CASE WHEN i % 2 = 0 THEN 'default' END] AS sources, [CAST(i AS DECIMAL(7,2))] AS lines,
          CAST(i AS INTEGER) AS small, i * 2 AS n, count_if(i % 2 = 0) OVER (ORDER BY i) AS counted,
          CAST(i AS UHUGEINT) AS unsigned, CAST(i / 8 AS FLOAT) AS single
        FROM range(3000) AS t(i)`;
      const expected = await (await connection.run(sql)).getRowObjectsJS();
      const rows = await readRowObjects(await connection.run(sql));
      expect(rows).toHaveLength(3000);
      expect(rows).toStrictEqual(expected);
      expect(rows[2049]).toMatchObject({ big: 6147n, name: 'p2049', even: false, n: 2049n, features: null });
      expect(rows[2051]!.features).toEqual([2051, null, 1.5]);
      // The repeated name is kept apart, as the row reader keeps it.
      expect(Object.values(rows[2049]!)).toHaveLength(18);
      // The slate's game counts come as HUGEINT (count_if): kept as bigint, as DuckDB's reader gives them.
      expect(rows[2049]).toMatchObject({ counted: 1025n, unsigned: 2049n, single: 2049 / 8 });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('reads an empty result as no rows', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      expect(await readRowObjects(await connection.run('SELECT 1 AS n WHERE false'))).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

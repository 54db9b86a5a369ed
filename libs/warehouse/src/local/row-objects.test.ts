import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { rowObjectsFromColumns } from './row-objects';

describe('rows read by column', () => {
  it("equal DuckDB's own row objects, value for value, across the types the start reads", async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // More rows than one DuckDB vector (2,048), so the columns span several chunks.
      const result = await connection.runAndReadAll(`
        SELECT i AS n, CAST(i AS BIGINT) * 3 AS big, 'p' || i AS name, i % 2 = 0 AS even,
          CASE WHEN i % 5 = 0 THEN NULL ELSE i / 4 END AS half, CAST(i / 10 AS DECIMAL(4,1)) AS line,
          CAST(DATE '2024-11-04' - CAST(i % 30 AS INTEGER) AS VARCHAR) AS day,
          [CAST(i AS DOUBLE), NULL, 1.5] AS features, i * 2 AS n
        FROM range(3000) AS t(i)`);
      const expected = result.getRowObjectsJS();
      const rows = rowObjectsFromColumns(result);
      expect(rows).toHaveLength(3000);
      expect(rows).toStrictEqual(expected);
      expect(rows[2049]).toMatchObject({ big: 6147n, name: 'p2049', even: false, n: 2049n });
      // The repeated name is kept apart, as the row reader keeps it.
      expect(Object.values(rows[2049]!)).toHaveLength(9);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('reads an empty result as no rows', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      expect(rowObjectsFromColumns(await connection.runAndReadAll('SELECT 1 AS n WHERE false'))).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

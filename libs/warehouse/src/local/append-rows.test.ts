import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { duckdbType, renderDuckdbDdl } from '../render-duckdb-ddl';
import {
  BOOL,
  DATE,
  FLOAT64,
  INT64,
  JSON_TYPE,
  STRING,
  TIMESTAMP,
  arrayOf,
  nullable,
  numeric,
  type TableDefinition,
} from '../tables/table-definition';
import { withWarehouse } from './duckdb-warehouse';
import { insertRows } from './insert-rows';

const table = (name: string, extra: TableDefinition['columns'] = []): TableDefinition => ({
  dataset: 'nba_predictions',
  name,
  description: 'append test',
  key: ['id'],
  columns: [
    nullable('id', INT64),
    nullable('label', STRING),
    nullable('games', INT64),
    nullable('ratio', FLOAT64),
    nullable('flagged', BOOL),
    nullable('game_day', DATE),
    nullable('stamped_at', TIMESTAMP),
    nullable('line', numeric(4, 1)),
    nullable('confidence', numeric(5, 3)),
    nullable('factors', JSON_TYPE),
    ...extra,
  ],
});

/** What the NDJSON insert wrote before the appender: read_json of JSON.stringify with the DDL's column types. */
async function throughNdjson(connection: DuckDBConnection, definition: TableDefinition, rows: object[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'props-append-')), 'rows.ndjson');
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
  const columns = definition.columns.map((column) => `'${column.name}': '${duckdbType(column.type)}'`).join(', ');
  await connection.run(
    `INSERT INTO nba_predictions.${definition.name} SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
  );
}

const contents = async (connection: DuckDBConnection, name: string) =>
  (await connection.runAndReadAll(`SELECT * FROM nba_predictions.${name} ORDER BY id`))
    .getRows()
    .map((row) => row.map(String));

it('rows written through the appender equal, value for value, what the NDJSON insert writes', async () => {
  const rows = [
    // Decimal halves (one exact in binary, the others not), -0, and a double's shortest form.
    { id: 1, label: 'a "quoted"\nline ünï', games: 3, ratio: 0.1 + 0.2, flagged: true, line: 0.15, confidence: 0.7175 },
    { id: 2, label: '', games: -7, ratio: -0, flagged: false, line: 26.25, confidence: 2.675, factors: null },
    {
      id: 3,
      ratio: Number.NaN,
      line: 12.55,
      confidence: 1.0005,
      game_day: '2024-11-04',
      stamped_at: '2026-12-06T08:00:00.123Z',
    },
    { id: 4, ratio: Number.POSITIVE_INFINITY, line: -0.25, game_day: '2025-02-28', stamped_at: '2026-12-06T08:00:00Z' },
    { id: 5, ratio: 1e-300, games: 2 ** 53 - 1, stamped_at: '2026-12-06 09:00:00.123456+01:00', line: 99.95 },
    { id: 6, label: undefined, games: null, stamped_at: '2026-12-06T23:59:59.999999Z', confidence: 1e-7 },
  ];
  const folder = mkdtempSync(join(tmpdir(), 'props-append-'));
  await withWarehouse(join(folder, 'warehouse.duckdb'), async (connection) => {
    for (const name of ['appended', 'reference']) await connection.run(renderDuckdbDdl(table(name)));
    await insertRows(connection, table('appended'), rows);
    await throughNdjson(connection, table('reference'), rows);
    expect(await contents(connection, 'appended')).toEqual(await contents(connection, 'reference'));
    expect((await contents(connection, 'appended')).length).toBe(rows.length);
  });
});

it('rows the appender does not take (arrays, a number in a text column) still insert as read_json casts them', async () => {
  const withList = table('listed', [nullable('feature_values', arrayOf('FLOAT64'))]);
  const rows = [
    { id: 1, label: 'a', feature_values: [1.5, null, 3] },
    { id: 2, label: 'b', feature_values: [] },
  ];
  const folder = mkdtempSync(join(tmpdir(), 'props-append-'));
  await withWarehouse(join(folder, 'warehouse.duckdb'), async (connection) => {
    for (const definition of [withList, { ...withList, name: 'listed_reference' }])
      await connection.run(renderDuckdbDdl(definition));
    await insertRows(connection, withList, rows);
    await throughNdjson(connection, { ...withList, name: 'listed_reference' }, rows);
    await insertRows(connection, withList, [{ id: 3, label: 42 }]);
    await throughNdjson(connection, { ...withList, name: 'listed_reference' }, [{ id: 3, label: 42 }]);
    expect(await contents(connection, 'listed')).toEqual(await contents(connection, 'listed_reference'));
    expect((await contents(connection, 'listed')).map((row) => row[1])).toEqual(['a', 'b', '42']);
  });
});

import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { duckdbType } from '../render-duckdb-ddl';
import type { ColumnDefinition, ColumnType, TableDefinition } from '../tables/table-definition';

type Staged = string | number | boolean | null;
/** How a column is staged: the DuckDB type read_json would have parsed its JSON value as, and the JS value it takes. */
type Staging = { type: 'VARCHAR' | 'DOUBLE' | 'BOOLEAN'; stage: (value: unknown) => Staged | undefined };

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** As JSON.stringify writes a number: not finite is null, -0 is 0. */
const number = (value: unknown) =>
  typeof value !== 'number' ? undefined : Number.isFinite(value) ? (value === 0 ? 0 : value) : null;

const STAGING: Partial<Record<ColumnType['kind'], Staging>> = {
  STRING: { type: 'VARCHAR', stage: text },
  DATE: { type: 'VARCHAR', stage: text },
  TIMESTAMP: { type: 'VARCHAR', stage: text },
  FLOAT64: { type: 'DOUBLE', stage: number },
  NUMERIC: { type: 'DOUBLE', stage: number },
  // A JSON integer token is read as an integer: only safe integers stage through a double unchanged.
  INT64: { type: 'DOUBLE', stage: (value) => (Number.isSafeInteger(value) ? (value as number) : undefined) },
  BOOL: { type: 'BOOLEAN', stage: (value) => (typeof value === 'boolean' ? value : undefined) },
  // A JSON column (and an ARRAY one) stages only NULLs: read_json reads a string there as a JSON string.
  JSON: { type: 'VARCHAR', stage: () => undefined },
};
const CHUNK_ROWS = 2048;

/** Each column's staged values, or null when a value is not one the appender takes (it then goes through NDJSON). */
function stagedColumns(columns: readonly ColumnDefinition[], rows: readonly Record<string, unknown>[]) {
  const staged: Staged[][] = [];
  for (const column of columns) {
    const staging = STAGING[column.type.kind];
    const values: Staged[] = new Array<Staged>(rows.length);
    for (let index = 0; index < rows.length; index += 1) {
      const value = rows[index]![column.name];
      const stagedValue = value === null || value === undefined ? null : staging?.stage(value);
      if (stagedValue === undefined) return null;
      values[index] = stagedValue;
    }
    staged.push(values);
  }
  return staged;
}

/**
 * insertRows through a DuckDB appender: the rows go into a temporary table typed as read_json
 * parses their JSON values (strings, doubles, booleans), then into the table with the casts the
 * NDJSON insert applies (the same CAST from VARCHAR or DOUBLE to the column's type). Resolves
 * false, writing nothing, when a value is not a string, number or boolean of its column's kind.
 */
export async function appendRows(
  connection: DuckDBConnection,
  table: TableDefinition,
  rows: readonly Record<string, unknown>[],
  target: string,
): Promise<boolean> {
  const columns = stagedColumns(table.columns, rows);
  if (columns === null) return false;
  const duckdb = await import('@duckdb/node-api');
  const types: DuckDBType[] = table.columns.map(
    (column) =>
      ({ VARCHAR: duckdb.VARCHAR, DOUBLE: duckdb.DOUBLE, BOOLEAN: duckdb.BOOLEAN })[STAGING[column.type.kind]!.type],
  );
  const names = table.columns.map((column) => column.name);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE append_rows_stage (${table.columns.map((column) => `${column.name} ${STAGING[column.type.kind]!.type}`).join(', ')})`,
  );
  try {
    const appender = await connection.createAppender('append_rows_stage', 'main', 'temp');
    for (let first = 0; first < rows.length; first += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows.length - first);
      const chunk = duckdb.DuckDBDataChunk.create(types, count);
      columns.forEach((values, index) => chunk.setColumnValues(index, values.slice(first, first + count)));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    const casts = table.columns.map((column) => `CAST(${column.name} AS ${duckdbType(column.type)})`);
    await connection.run(
      `INSERT INTO ${target} (${names.join(', ')}) SELECT ${casts.join(', ')} FROM temp.main.append_rows_stage`,
    );
  } finally {
    await connection.run('DROP TABLE IF EXISTS temp.main.append_rows_stage');
  }
  return true;
}

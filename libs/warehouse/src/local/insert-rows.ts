import { ServiceError } from '@props/contracts';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbType, qualifiedTableName } from '../render-duckdb-ddl';
import type { TableDefinition } from '../tables/table-definition';

/**
 * Bulk insert through one NDJSON file read with the table's own column types, so every value is
 * cast exactly as the DDL says (DECIMAL lines, DATE strings, DOUBLE[] features).
 */
export async function insertRows(
  connection: DuckDBConnection,
  table: TableDefinition,
  rows: readonly Record<string, unknown>[],
  prefix = '',
  target = qualifiedTableName(table, prefix),
): Promise<void> {
  if (rows.length === 0) return;
  const names = table.columns.map((column) => column.name).join(', ');
  await withRowsAsJson(table, rows, (source) =>
    connection.run(`INSERT INTO ${target} (${names}) SELECT ${names} FROM ${source}`),
  );
}

/**
 * The rows as a `read_json(...)` table expression typed by the table's columns, valid while `use`
 * runs: a statement can read them without first copying them into a table. Rows are checked as
 * `insertRows` checks them; there must be at least one.
 */
export async function withRowsAsJson<T>(
  table: TableDefinition,
  rows: readonly Record<string, unknown>[],
  use: (source: string) => Promise<T>,
): Promise<T> {
  requireColumns(table, rows);
  const folder = mkdtempSync(join(tmpdir(), 'props-insert-'));
  try {
    const file = join(folder, `${table.name}.ndjson`);
    writeRowsAsLines(file, rows);
    const columns = table.columns.map((column) => `'${column.name}': '${duckdbType(column.type)}'`).join(', ');
    return await use(
      `read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = {${columns}})`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export class RowShapeError extends ServiceError {
  override readonly name = 'RowShapeError';
  constructor(message: string) {
    super('invalid_row', message);
  }
}

/**
 * A row that cannot be written in the table's shape is refused naming the column, never written
 * with it dropped. Rows come in runs of one shape: a row's keys are looked up only when they differ from the last
 * row's that passed (a backfill's 243,000 rows a season took ~0.4 s of the main thread otherwise).
 */
function requireColumns(table: TableDefinition, rows: readonly Record<string, unknown>[]): void {
  const known = new Set(table.columns.map((column) => column.name));
  const required = table.columns.filter((column) => column.required).map((column) => column.name);
  let passed: string[] = [];
  rows.forEach((row, index) => {
    const keys = Object.keys(row);
    if (keys.length !== passed.length || keys.some((name, at) => name !== passed[at])) {
      const unknown = keys.find((name) => !known.has(name));
      if (unknown)
        throw new RowShapeError(
          `${table.dataset}.${table.name} row ${index}: column ${unknown} is not in the table; nothing was written`,
        );
      passed = keys;
    }
    const missing = required.find((name) => row[name] === null || row[name] === undefined);
    if (missing)
      throw new RowShapeError(
        `${table.dataset}.${table.name} row ${index}: required column ${missing} has no value; nothing was written`,
      );
  });
}

/**
 * Rows a slice at a time: a season's chunk as one string was 60 MB built, flattened and collected
 * at once. writeFileSync on the descriptor writes all of a slice or throws; writeSync may write
 * part of it and report no error (a full disk), leaving a file of fewer rows
 * (https://nodejs.org/docs/latest-v24.x/api/fs.html#using-fswritefile-with-file-descriptors).
 */
function writeRowsAsLines(file: string, rows: readonly Record<string, unknown>[]): void {
  const descriptor = openSync(file, 'w');
  try {
    for (let start = 0; start < rows.length; start += LINES_PER_WRITE) {
      let text = '';
      for (const row of rows.slice(start, start + LINES_PER_WRITE)) text += `${JSON.stringify(row)}\n`;
      writeFileSync(descriptor, text);
    }
  } finally {
    closeSync(descriptor);
  }
}
const LINES_PER_WRITE = 1_000;

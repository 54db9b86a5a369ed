import { ServiceError } from '@props/contracts';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { WarehouseUnavailableError } from './duckdb-warehouse';
import { fileKind } from './file-kind';
import { datasetName } from '../dataset-prefix';
import { duckdbType, renderDuckdbDdl } from '../render-duckdb-ddl';
import type { TableDefinition } from '../tables/table-definition';
import { WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES } from '../tables/warehouse-tables';

export class WarehouseMissingError extends ServiceError {
  override readonly name = 'WarehouseMissingError';
  constructor(readonly path: string) {
    super('warehouse_missing', `warehouse ${path} does not exist; build it with: props warehouse seed --out ${path}`);
  }

  override get publicMessage(): string {
    return 'the warehouse file does not exist; an operator builds it with props warehouse seed (the service log names the file)';
  }
}

export class WarehouseSchemaError extends ServiceError {
  override readonly name = 'WarehouseSchemaError';
  constructor(
    message: string,
    private readonly path?: string,
  ) {
    super('warehouse_schema_outdated', message);
  }

  /** The message without the warehouse's path, which only the log carries. */
  override get publicMessage(): string {
    return this.path ? this.message.replaceAll(this.path, '<warehouse>') : this.message;
  }
}

/**
 * Creates every missing table, and records the schema version this build writes when the
 * warehouse has none yet (an existing warehouse keeps its version, so an old one is still refused).
 */
export async function ensureWarehouseTables(connection: DuckDBConnection): Promise<void> {
  if (await warehouseTablesComplete(connection)) return;
  // One request for every statement (run in order; the first failure stops them).
  await connection.run(
    [
      ...WAREHOUSE_TABLES.map((table) => renderDuckdbDdl(table)),
      'CREATE TABLE IF NOT EXISTS nba_orchestration.warehouse_schema (version BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL);',
      `INSERT INTO nba_orchestration.warehouse_schema SELECT ${WAREHOUSE_SCHEMA_VERSION}, now() WHERE NOT EXISTS (SELECT 1 FROM nba_orchestration.warehouse_schema);`,
    ].join('\n'),
  );
}

/**
 * Whether every statement of ensureWarehouseTables would change nothing: each table's key index
 * exists (so its schema and table do) and a schema version is recorded. One catalog query instead
 * of some forty statements, which a merge ran every time.
 */
async function warehouseTablesComplete(connection: DuckDBConnection): Promise<boolean> {
  const indexes = WAREHOUSE_TABLES.map((table) => `'${datasetName(table)}.${table.name}_key'`);
  try {
    const [row] = (
      await connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM duckdb_indexes() WHERE database_name = current_database() AND schema_name || '.' || index_name IN (${indexes.join(', ')})),
           (SELECT count(*) FROM nba_orchestration.warehouse_schema)`,
      )
    ).getRows();
    return Number(row![0]) === WAREHOUSE_TABLES.length && Number(row![1]) > 0;
  } catch {
    // No warehouse_schema table yet: the statements create it.
    return false;
  }
}

/**
 * Throws unless the file exists (DuckDB would otherwise create an empty warehouse and answer "no
 * rows") and is a regular file (DuckDB fails on `/dev/null` only when it first syncs).
 */
export function requireWarehouseFile(path: string): void {
  if (path === ':memory:') return;
  if (!existsSync(path)) throw new WarehouseMissingError(path);
  const kind = fileKind(path);
  if (kind !== null) throw new WarehouseUnavailableError(path, `it is not a DuckDB file but ${kind}`);
}

/** Refuses a warehouse written by another schema version, naming both versions and the fix. */
export async function requireCurrentSchema(connection: DuckDBConnection, path: string): Promise<void> {
  let version: number | undefined;
  try {
    const result = await connection.runAndReadAll('SELECT max(version) FROM nba_orchestration.warehouse_schema');
    const value = result.getRows()[0]?.[0];
    version = value === null || value === undefined ? undefined : Number(value);
  } catch {
    version = undefined;
  }
  if (version === WAREHOUSE_SCHEMA_VERSION) return;
  const found =
    version === undefined
      ? 'no schema version (written before versioning, or not a props warehouse)'
      : `schema version ${version}`;
  const fix =
    version !== undefined && version < WAREHOUSE_SCHEMA_VERSION
      ? `Bring it up to date, keeping every row: props warehouse migrate --warehouse ${path}`
      : `Rebuild it: props warehouse seed --out ${path}`;
  throw new WarehouseSchemaError(
    `warehouse ${path} has ${found}; this build reads version ${WAREHOUSE_SCHEMA_VERSION}. ${fix}`,
    path,
  );
}

/**
 * The columns of `table` a live table lacks or holds with another type, as "name TYPE" lines; a
 * live table may hold more (a column an earlier shape had is kept by migrate, never dropped).
 * `found` lists the live columns by name with their type in the definition's terms.
 */
export function columnsMissingFrom(
  table: TableDefinition,
  found: ReadonlyMap<string, string>,
  typeOf: (column: TableDefinition['columns'][number]) => string,
): string[] {
  return table.columns
    .filter((column) => found.get(column.name) !== typeOf(column))
    .map(
      (column) =>
        `${column.name} ${typeOf(column)}${found.has(column.name) ? ` (found ${found.get(column.name)})` : ''}`,
    );
}

/**
 * Refuses a table that lacks a column of its definition (or holds it with another type), naming
 * them and the fix; the tables are checked in their order, read in one query of DuckDB's catalog
 * (`duckdb_columns()`, https://duckdb.org/docs/stable/sql/meta/duckdb_table_functions, whose
 * `data_type` is what information_schema.columns shows, at a fraction of its cost).
 */
export async function requireTableColumns(
  connection: DuckDBConnection,
  tables: readonly TableDefinition[],
  prefix = '',
): Promise<void> {
  const names = tables.map((table) => ({ schema: datasetName(table, prefix), table: table.name }));
  const wanted = names.map(({ schema, table }) => `'${`${schema}.${table}`.replaceAll("'", "''")}'`).join(', ');
  const rows = (
    await connection.runAndReadAll(
      `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name || '.' || table_name IN (${wanted})
       ORDER BY column_index`,
    )
  ).getRowObjectsJS();
  for (const [index, table] of tables.entries()) {
    const { schema } = names[index]!;
    const columns = rows.filter((row) => row.schema_name === schema && row.table_name === table.name);
    if (columns.length === 0)
      throw new WarehouseSchemaError(
        `table ${schema}.${table.name} does not exist; create it: props warehouse migrate`,
      );
    const found = new Map(
      columns.map((row) => [
        String(row.column_name),
        String(row.data_type).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'),
      ]),
    );
    const missing = columnsMissingFrom(table, found, (column) => duckdbType(column.type));
    if (missing.length > 0)
      throw new WarehouseSchemaError(
        `table ${schema}.${table.name} lacks ${missing.join(', ')}; bring it to this build's shape: props warehouse migrate`,
      );
  }
}

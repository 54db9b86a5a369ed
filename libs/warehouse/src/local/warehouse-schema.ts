import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { datasetName } from '../dataset-prefix';
import { duckdbType, renderDuckdbDdl } from '../render-duckdb-ddl';
import type { TableDefinition } from '../tables/table-definition';
import { WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES } from '../tables/warehouse-tables';

export class WarehouseMissingError extends Error {
  override readonly name = 'WarehouseMissingError';
  readonly permanent = true;
  constructor(readonly path: string) {
    super(`warehouse ${path} does not exist; build it with: props warehouse seed --out ${path}`);
  }
}

export class WarehouseSchemaError extends Error {
  override readonly name = 'WarehouseSchemaError';
  readonly permanent = true;
}

/**
 * Creates every missing table, and records the schema version this build writes when the
 * warehouse has none yet (an existing warehouse keeps its version, so an old one is still refused).
 */
export async function ensureWarehouseTables(connection: DuckDBConnection): Promise<void> {
  for (const table of WAREHOUSE_TABLES) await connection.run(renderDuckdbDdl(table));
  await connection.run('CREATE TABLE IF NOT EXISTS nba_orchestration.warehouse_schema (version BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL)');
  await connection.run(
    `INSERT INTO nba_orchestration.warehouse_schema SELECT ${WAREHOUSE_SCHEMA_VERSION}, now() WHERE NOT EXISTS (SELECT 1 FROM nba_orchestration.warehouse_schema)`,
  );
}

/** Throws unless the file exists; DuckDB would otherwise create an empty warehouse and answer "no rows". */
export function requireWarehouseFile(path: string): void {
  if (path !== ':memory:' && !existsSync(path)) throw new WarehouseMissingError(path);
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
  const found = version === undefined ? 'no schema version (written before versioning, or not a props warehouse)' : `schema version ${version}`;
  throw new WarehouseSchemaError(`warehouse ${path} has ${found}; this build reads version ${WAREHOUSE_SCHEMA_VERSION}. Rebuild it: props warehouse seed --out ${path}`);
}

/**
 * Refuses a table whose columns differ from its definition (a table left by an older build),
 * naming the table, what differs and the fix.
 */
export async function requireTableColumns(connection: DuckDBConnection, table: TableDefinition, prefix = ''): Promise<void> {
  const schema = datasetName(table, prefix);
  const rows = (
    await connection.runAndReadAll('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, table.name])
  ).getRowObjectsJS();
  const found = rows.map((row) => `${String(row.column_name)} ${String(row.data_type)}`);
  const expected = table.columns.map((column) => `${column.name} ${duckdbType(column.type).replace('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE')}`);
  if (found.length === 0) throw new WarehouseSchemaError(`table ${schema}.${table.name} does not exist; rebuild the warehouse: props warehouse seed`);
  const missing = expected.filter((column) => !found.includes(column));
  const extra = found.filter((column) => !expected.includes(column));
  if (missing.length > 0 || extra.length > 0) {
    throw new WarehouseSchemaError(
      `table ${schema}.${table.name} is from another schema version (missing: ${missing.join(', ') || 'none'}; unexpected: ${extra.join(', ') || 'none'}); rebuild the warehouse: props warehouse seed`,
    );
  }
}

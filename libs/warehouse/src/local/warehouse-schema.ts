import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { renderDuckdbDdl } from '../render-duckdb-ddl';
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

import type { DuckDBConnection } from '@duckdb/node-api';
import { datasetName } from '../dataset-prefix';
import { duckdbType, renderDuckdbDdl } from '../render-duckdb-ddl';
import { WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES } from '../tables/warehouse-tables';
import { MigrationRefusedError, describeMigration, planTable, type TableMigration } from '../migration-plan';
import { WarehouseSchemaError } from './warehouse-schema';

async function liveColumns(
  connection: DuckDBConnection,
  schema: string,
  table: string,
): Promise<Map<string, string> | null> {
  const rows = (
    await connection.runAndReadAll(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, table],
    )
  ).getRowObjectsJS();
  return rows.length === 0
    ? null
    : new Map(
        rows.map((row) => [
          String(row.column_name),
          String(row.data_type).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'),
        ]),
      );
}

/** Refuses, before any change, a warehouse a newer build wrote: this build cannot know what that version changed. */
async function refuseNewerSchema(connection: DuckDBConnection): Promise<void> {
  const versioned = await connection.runAndReadAll(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'nba_orchestration' AND table_name = 'warehouse_schema'",
  );
  if (versioned.getRows().length === 0) return;
  const recorded = await connection.runAndReadAll('SELECT max(version) FROM nba_orchestration.warehouse_schema');
  const version = Number(recorded.getRows()[0]?.[0] ?? 0);
  if (version > WAREHOUSE_SCHEMA_VERSION)
    throw new WarehouseSchemaError(
      `the warehouse has schema version ${version}, newer than this build's ${WAREHOUSE_SCHEMA_VERSION}; nothing was changed: migrate it with the build that wrote it`,
    );
}

/**
 * Brings a local warehouse (the tables under `prefix`, `P_nba_X` for P) to this build's tables, keeping every row: missing
 * tables created, missing columns added and filled, nothing dropped or retyped (refused before any
 * change, naming the column and why), then the schema version recorded. A required column added
 * to a table with rows stays NULLABLE, as BigQuery must leave it (DuckDB cannot set NOT NULL in
 * the transaction that filled it); every row is filled and the writers always set it. Running it
 * again changes nothing. Returns one line per change. The schema version is the unprefixed tables'
 * and is recorded only by a run without a prefix; a warehouse of a newer version is refused.
 */
export async function migrateDuckdbWarehouse(connection: DuckDBConnection, prefix = ''): Promise<string[]> {
  await refuseNewerSchema(connection);
  const migrations: TableMigration[] = [];
  const refusals: string[] = [];
  for (const table of WAREHOUSE_TABLES) {
    const planned = planTable(
      table,
      await liveColumns(connection, datasetName(table, prefix), table.name),
      (column) => duckdbType(column.type),
      prefix,
    );
    migrations.push(planned.migration);
    refusals.push(...planned.refusals);
  }
  if (refusals.length > 0) throw new MigrationRefusedError(refusals);
  // No enclosing transaction: DuckDB refuses to commit one that altered a table and then updated it.
  // Each step is idempotent instead, so a run interrupted anywhere is finished by the next.
  const changes: string[] = [];
  for (const migration of migrations) {
    const { table } = migration;
    const schema = datasetName(table, prefix);
    const qualified = `${schema}.${table.name}`;
    if (migration.create) await connection.run(renderDuckdbDdl(table, prefix, false));
    // DuckDB alters no table an index depends on: the key index is rebuilt on the new key below.
    if (migration.add.length > 0) await connection.run(`DROP INDEX IF EXISTS ${schema}.${table.name}_key`);
    for (const { column } of migration.add)
      await connection.run(
        `ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS ${column.name} ${duckdbType(column.type)}`,
      );
    for (const { column, fill } of migration.fills)
      await connection.run(
        `UPDATE ${qualified} SET ${column.name} = ${fill} WHERE ${column.name} IS NULL AND (${fill}) IS NOT NULL`,
      );
    if (migration.create || migration.add.length > 0)
      changes.push(...describeMigration(migration, { requiredAddedAsNullable: true, prefix }));
  }
  if (prefix === '') await recordSchemaVersion(connection, changes);
  // DuckDB builds no index over rows updated since the last checkpoint; IF NOT EXISTS lets a re-run finish one.
  await connection.run('CHECKPOINT');
  for (const table of WAREHOUSE_TABLES) await connection.run(renderDuckdbDdl(table, prefix));
  return changes;
}

async function recordSchemaVersion(connection: DuckDBConnection, changes: string[]): Promise<void> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS nba_orchestration.warehouse_schema (version BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL)',
  );
  const recorded = await connection.runAndReadAll(
    `INSERT INTO nba_orchestration.warehouse_schema SELECT ${WAREHOUSE_SCHEMA_VERSION}, now() WHERE NOT EXISTS (SELECT 1 FROM nba_orchestration.warehouse_schema WHERE version >= ${WAREHOUSE_SCHEMA_VERSION}) RETURNING version`,
  );
  if (recorded.getRows().length > 0) changes.push(`schema version ${WAREHOUSE_SCHEMA_VERSION} recorded`);
}

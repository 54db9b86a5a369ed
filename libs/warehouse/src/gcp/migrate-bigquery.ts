import type { BigQuery } from '@google-cloud/bigquery';
import { validateDatasetPrefix } from '@props/contracts';
import { datasetName } from '../dataset-prefix';
import { bigQueryTypeOf, liveBigQueryColumns } from './bigquery-table-columns';
import type { ColumnType, TableDefinition } from '../tables/table-definition';
import { WAREHOUSE_TABLES } from '../tables/warehouse-tables';
import { MigrationRefusedError, describeMigration, planTable, type TableMigration } from '../migration-plan';

export interface BigQueryMigrationOptions {
  projectId: string;
  location: string;
  datasetPrefix?: string;
}

function ddlType(type: ColumnType): string {
  if (type.kind === 'NUMERIC') return `NUMERIC(${type.precision}, ${type.scale})`;
  if (type.kind === 'ARRAY') return `ARRAY<${type.of}>`;
  return type.kind;
}

/** A missing table as BigQuery DDL: partitioned and clustered as the definition says (never require_partition_filter: consumers count rows by other columns). */
function createTableDdl(table: TableDefinition, name: string): string {
  const columns = table.columns.map(
    (column) =>
      `${column.name} ${ddlType(column.type)}${column.required && column.type.kind !== 'ARRAY' ? ' NOT NULL' : ''}`,
  );
  const partition = table.partitionBy ? ` PARTITION BY ${table.partitionBy}` : '';
  return `CREATE TABLE IF NOT EXISTS ${name} (${columns.join(', ')})${partition} CLUSTER BY ${table.key.slice(0, 4).join(', ')}`;
}

/**
 * Brings the BigQuery datasets to this build's tables, keeping every row, through query jobs:
 * missing tables created, missing columns added (`ALTER TABLE … ADD COLUMN IF NOT EXISTS`) and
 * filled (`UPDATE … WHERE TRUE`), nothing dropped or retyped (refused before any change). BigQuery
 * cannot add a REQUIRED column to an existing table, so a required column added here is NULLABLE
 * with every existing row filled, and the writers always set it. Running it again changes nothing.
 */
export async function migrateBigQueryWarehouse(client: BigQuery, options: BigQueryMigrationOptions): Promise<string[]> {
  const prefix = validateDatasetPrefix(options.datasetPrefix ?? '');
  const migrations: TableMigration[] = [];
  const refusals: string[] = [];
  for (const table of WAREHOUSE_TABLES) {
    const planned = planTable(table, await liveBigQueryColumns(client, table, prefix), bigQueryTypeOf, prefix);
    migrations.push(planned.migration);
    refusals.push(...planned.refusals);
  }
  if (refusals.length > 0) throw new MigrationRefusedError(refusals);
  const run = async (sql: string) => {
    const [job] = await client.createQueryJob({ query: sql, location: options.location });
    await job.getQueryResults();
  };
  const changes: string[] = [];
  for (const migration of migrations) {
    const { table } = migration;
    const name = `\`${options.projectId}.${datasetName(table, prefix)}.${table.name}\``;
    if (migration.create) await run(createTableDdl(table, name));
    for (const { column } of migration.add)
      await run(`ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${column.name} ${ddlType(column.type)}`);
    // Filling only NULLs, every run: finishes a migrate interrupted between adding and filling.
    for (const { column, fill } of migration.fills)
      await run(`UPDATE ${name} SET ${column.name} = ${fill} WHERE ${column.name} IS NULL AND (${fill}) IS NOT NULL`);
    if (migration.create || migration.add.length > 0)
      changes.push(...describeMigration(migration, { requiredAddedAsNullable: true, prefix }));
  }
  return changes;
}

import * as gcp from '@pulumi/gcp';
import { WAREHOUSE_TABLES, datasetName, renderBigQuerySchema, type TableDefinition } from '@props/warehouse';
import type { EnvironmentSettings } from './settings';

/** BigQuery clusters on at most four top-level columns of these types; the table's key gives them. */
const CLUSTERABLE = new Set(['STRING', 'INT64', 'DATE', 'BOOL', 'NUMERIC', 'TIMESTAMP']);

export function clusteringOf(table: TableDefinition): string[] {
  return table.key
    .filter((name) => CLUSTERABLE.has(table.columns.find((column) => column.name === name)?.type.kind ?? ''))
    .slice(0, 4);
}

export interface Warehouse {
  datasets: Map<string, gcp.bigquery.Dataset>;
  tables: gcp.bigquery.Table[];
}

/**
 * Every dataset and table of libs/warehouse, from its definitions (schema, partitioning,
 * clustering): production's, or the prefix's copies for staging. The inputs (nba_raw,
 * nba_analytics) are written by the rest of the original platform in production; staging's are
 * filled by copying a past slate (README, "stand up a new environment").
 */
export function declareWarehouse(settings: EnvironmentSettings, datasetPrefix: string): Warehouse {
  const datasets = new Map<string, gcp.bigquery.Dataset>();
  for (const table of WAREHOUSE_TABLES) {
    const dataset = datasetName(table, datasetPrefix);
    if (!datasets.has(dataset)) {
      datasets.set(
        dataset,
        new gcp.bigquery.Dataset(dataset, {
          datasetId: dataset,
          project: settings.project,
          location: settings.bigqueryLocation,
          deleteContentsOnDestroy: false,
          description: `props ${settings.environment}: ${table.dataset}`,
        }),
      );
    }
  }
  const tables = WAREHOUSE_TABLES.map(
    (table) =>
      new gcp.bigquery.Table(`${datasetName(table, datasetPrefix)}.${table.name}`, {
        project: settings.project,
        datasetId: datasets.get(datasetName(table, datasetPrefix))!.datasetId,
        tableId: table.name,
        description: table.description,
        schema: JSON.stringify(renderBigQuerySchema(table)),
        ...(table.partitionBy
          ? { timePartitioning: { type: 'DAY', field: table.partitionBy, requirePartitionFilter: false } }
          : {}),
        clusterings: clusteringOf(table),
        deletionProtection: settings.environment === 'production',
      }),
  );
  return { datasets, tables };
}

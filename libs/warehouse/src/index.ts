export type { TableDefinition, ColumnDefinition, ColumnType } from './tables/table-definition';
export { WAREHOUSE_TABLES, WAREHOUSE_SCHEMA_VERSION } from './tables/warehouse-tables';
export { PLAYER_GAME_SUMMARY, TEAM_GAME_SUMMARY, SCHEDULE } from './tables/box-scores';
export { UPCOMING_PLAYER_GAME_CONTEXT, PLAYER_POINTS_PROPS } from './tables/context-and-lines';
export { ML_FEATURE_STORE } from './tables/feature-store';
export {
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  SYSTEM_DAILY_PERFORMANCE,
  CONSOLIDATION_FENCES,
  PREDICTION_BATCHES,
  REJECTED_MESSAGES,
} from './tables/predictions';
export { renderBigQuerySchema, type BigQueryField } from './render-bigquery-schema';
export { renderDuckdbDdl, qualifiedTableName, duckdbType } from './render-duckdb-ddl';
export { datasetName } from './dataset-prefix';
export { validateDatasetPrefix, DatasetPrefixError } from '@props/contracts';
export {
  withWarehouse,
  holdWarehouse,
  type WarehouseConfig,
  WarehouseBusyError,
  WarehouseDamagedError,
  WarehouseUnavailableError,
  classifyWarehouseError,
} from './local/duckdb-warehouse';
export {
  ensureWarehouseTables,
  requireWarehouseFile,
  requireCurrentSchema,
  requireTableColumns,
  columnsMissingFrom,
  WarehouseMissingError,
  WarehouseSchemaError,
} from './local/warehouse-schema';
export { insertRows, RowShapeError, withRowsAsJson } from './local/insert-rows';
export { readRowObjects } from './local/row-objects';
export { migrateDuckdbWarehouse } from './local/migrate-duckdb';
export { migrateBigQueryWarehouse, type BigQueryMigrationOptions } from './gcp/migrate-bigquery';
export { MigrationRefusedError } from './migration-plan';
export { requireBigQueryColumns } from './gcp/bigquery-table-columns';

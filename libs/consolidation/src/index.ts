export { StaleFencingTokenError, type ConsolidationResult } from './consolidation';
export { consolidateBatch, type ConsolidateBatchOptions } from './consolidate-batch';
export { withWarehouse, WarehouseBusyError } from './local/duckdb-warehouse';
export { warehouseReadinessCheck } from './local/warehouse-readiness';

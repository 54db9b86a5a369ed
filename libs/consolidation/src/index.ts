export { StaleFencingTokenError, type ConsolidationResult } from './consolidation';
export { consolidateBatch, type ConsolidateBatchOptions } from './consolidate-batch';
export { warehouseReadinessCheck } from './local/warehouse-readiness';

export { StaleFencingTokenError, writtenByNewerBatch, type ConsolidationResult } from './consolidation';
export { consolidateBatch, consolidationLockKey, type ConsolidateBatchOptions } from './consolidate-batch';
export type { ExpectedStaging, PredictionsMerger, StagedBatch } from './predictions-merger';
export { DuckdbMerger } from './local/duckdb-merger';
export { consolidateDatesIntoDuckdb, type FencedDate } from './local/duckdb-consolidation';
export { BigQueryMerger } from './gcp/bigquery-merger';
export { warehouseReadinessCheck } from './local/warehouse-readiness';

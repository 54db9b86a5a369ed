export { StagingWriteError, type StagedRows, type StagingStore } from './staging-store';
export { NdjsonStagingStore, ndjsonStagingFor } from './local/ndjson-staging-store';
export type { StagingFor } from './staging-for-prefix';
export {
  BigQueryStagingStore,
  bigQueryStagingFor,
  stagingTableName,
  stagingTablePrefix,
  stagingTableSuffix,
  type BigQueryStagingOptions,
} from './gcp/bigquery-staging-store';
export { BigQueryRejectedMessageStore } from './gcp/bigquery-rejected-message-store';

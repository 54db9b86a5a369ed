export { StagingWriteError, type StagingStore } from './staging-store';
export { NdjsonStagingStore } from './local/ndjson-staging-store';
export { BigQueryStagingStore, stagingTableName, stagingTablePrefix, type BigQueryStagingOptions } from './gcp/bigquery-staging-store';
export { BigQueryRejectedMessageStore } from './gcp/bigquery-rejected-message-store';

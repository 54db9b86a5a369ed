export { StagingWriteError, type StagingStore } from './staging-store';
export { NdjsonStagingStore } from './local/ndjson-staging-store';

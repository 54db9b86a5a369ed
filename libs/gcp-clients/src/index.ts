export { bigQueryClient } from './gcp/bigquery-client';
export { bigQueryTableProbe, pubSubTopicProbe } from './gcp/dependency-probes';

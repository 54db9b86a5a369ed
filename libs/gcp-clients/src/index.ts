export { bigQueryClient } from './gcp/bigquery-client';

import { BigQuery } from '@google-cloud/bigquery';

/** A BigQuery client for the project; `apiEndpoint` points it elsewhere (a loopback endpoint in tests). */
export function bigQueryClient(projectId: string, apiEndpoint: string | undefined): BigQuery {
  return new BigQuery({ projectId, ...(apiEndpoint ? { apiEndpoint } : {}) });
}

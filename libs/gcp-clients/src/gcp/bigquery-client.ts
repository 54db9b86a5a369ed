import { BigQuery } from '@google-cloud/bigquery';

/**
 * A BigQuery client for the project; `apiEndpoint` points it elsewhere (an emulator). Against a
 * custom endpoint the client skips authentication, and its multipart upload (load jobs) then finds
 * no headers object to add to and throws inside teeny-request; real credentials always supply
 * one, so giving every request an empty one changes nothing in production.
 */
export function bigQueryClient(projectId: string, apiEndpoint?: string): BigQuery {
  const client = new BigQuery({ projectId, ...(apiEndpoint ? { apiEndpoint } : {}) });
  if (apiEndpoint) {
    const authenticated = client.makeAuthenticatedRequest;
    client.makeAuthenticatedRequest = Object.assign(
      (request: object, options?: unknown) => authenticated({ headers: {}, ...request } as never, options as never),
      authenticated,
    );
  }
  return client;
}

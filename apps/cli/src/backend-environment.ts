import * as z from 'zod';
import { variables } from '@props/configuration';

/** The variables that choose and reach a command's backend: the local DuckDB warehouse, or BigQuery. */
export const BACKEND_VARIABLES = {
  PROPS_BACKEND: variables.backend(),
  GCP_PROJECT_ID: z.string().min(1).optional(),
  PROPS_BIGQUERY_LOCATION: z.string().min(1).default('us-west2'),
  PROPS_BIGQUERY_ENDPOINT: variables.httpUrl().optional(),
  FIRESTORE_DATABASE: z.string().min(1).default('(default)'),
};

/** A command's environment: the backend variables and its own, with GCP_PROJECT_ID required on gcp. */
export function backendEnvironment<T extends z.ZodRawShape>(own: T) {
  return z.object({ ...BACKEND_VARIABLES, ...own }).refine(
    (value) => {
      const backend = value as { PROPS_BACKEND: string; GCP_PROJECT_ID?: string };
      return backend.PROPS_BACKEND !== 'gcp' || backend.GCP_PROJECT_ID !== undefined;
    },
    { path: ['GCP_PROJECT_ID'], message: 'required with PROPS_BACKEND=gcp' },
  );
}

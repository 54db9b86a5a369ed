import { parseEnvironment } from '@props/configuration';
import {
  DuckdbGradingStore,
  DuckdbSeasonSource,
  DuckdbVerificationSource,
  type GradingStore,
  type SeasonSource,
  type VerificationSource,
} from '@props/grading';
import { dirname, join } from 'node:path';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { requireWarehouseFile, withWarehouse } from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { gcpOnDemand } from '../gcp/gcp-on-demand';
import type { CloudTarget } from '../gcp/cloud-reach';

const GradingEnvironment = backendEnvironment({});

export interface WarehouseReads {
  grading: GradingStore;
  verification: VerificationSource;
  season: SeasonSource;
}

/**
 * Runs grading, verification or report work on the configured backend: the local DuckDB
 * warehouse (opened for this unit of work), or BigQuery with PROPS_BACKEND=gcp (the Cloud Run job).
 * The Google clients are imported only on gcp: loading them cost every local command ~0.2 s of
 * its start (docs/performance.md).
 */
export async function withWarehouseReads<T>(
  env: NodeJS.ProcessEnv,
  warehouse: string,
  datasetPrefix: string,
  work: (reads: WarehouseReads) => Promise<T>,
): Promise<T> {
  const config = parseEnvironment(GradingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp') {
    const { bigQueryWarehouseReads } = await gcpOnDemand.warehouseReads();
    return work(await bigQueryWarehouseReads(env, cloudTarget(config), datasetPrefix));
  }
  requireWarehouseFile(warehouse);
  return withWarehouse(warehouse, (connection) =>
    work({
      grading: new DuckdbGradingStore(connection, datasetPrefix),
      verification: new DuckdbVerificationSource(connection, datasetPrefix),
      season: new DuckdbSeasonSource(connection, datasetPrefix),
    }),
  );
}

const cloudTarget = (config: ReturnType<typeof parseEnvironment<typeof GradingEnvironment>>): CloudTarget => ({
  projectId: config.GCP_PROJECT_ID!,
  bigQueryLocation: config.PROPS_BIGQUERY_LOCATION,
  bigQueryEndpoint: config.PROPS_BIGQUERY_ENDPOINT,
  firestoreDatabase: config.FIRESTORE_DATABASE,
});

/** On gcp, proves Firestore (the grading lock) and BigQuery answer, or fails in one line within the wait. */
export async function reachGradingServices(env: NodeJS.ProcessEnv): Promise<void> {
  const config = parseEnvironment(GradingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    await (await gcpOnDemand.cloudReach()).reachCloud(env, cloudTarget(config), ['firestore', 'bigquery']);
}

/**
 * The lock a date's grading holds, shared with the original platform's Python grading during the
 * cutover: Firestore `grading_locks/grading_<date>` in production (the document shape both sides
 * honour), a lock folder beside the warehouse locally.
 */
export async function gradingLock(env: NodeJS.ProcessEnv, warehouse: string): Promise<DistributedLock> {
  const config = parseEnvironment(GradingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    return (await gcpOnDemand.gradingLock()).firestoreGradingLock(config.GCP_PROJECT_ID!, config.FIRESTORE_DATABASE);
  return new DistributedLock(new LocalLockBackend(join(dirname(warehouse), 'locks')));
}

/** The original waited up to 5 minutes for a grading lock; a short lease renewed while grading frees a crashed holder's date fast. */
export const GRADING_LOCK_OPTIONS = { leaseMs: 30_000, maxWaitMs: 300_000, retryIntervalMs: 5_000 };

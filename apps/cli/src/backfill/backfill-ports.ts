import { dirname, join } from 'node:path';
import { parseEnvironment } from '@props/configuration';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import {
  DuckdbBatchWarehouse,
  FileBatchState,
  type BatchStateStore,
  type BatchWarehouse,
} from '@props/prediction-batch';
import { ndjsonStagingFor, type StagingFor } from '@props/prediction-store';
import { holdWarehouse, requireWarehouseFile } from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { gcpBackfillPorts } from '../gcp/gcp-backfill-ports';

/** What a backfill shares with the coordinator: its locks, its batch records, its staging and its warehouse. */
export interface BackfillPorts {
  lock: DistributedLock;
  state: BatchStateStore;
  staging: StagingFor;
  warehouse: BatchWarehouse;
  /** Runs the whole backfill with the warehouse held open where that saves work (the local DuckDB file). */
  holdWarehouse<T>(work: () => Promise<T>): Promise<T>;
}

const BackfillEnvironment = backendEnvironment({});

/**
 * The coordinator's own stores, so a backfill and the services exclude each other per date: the
 * local runtime's folders beside the warehouse (var/locks, var/batches, var/staging), or Firestore,
 * BigQuery staging and BigQuery with PROPS_BACKEND=gcp.
 */
export function backfillPorts(env: NodeJS.ProcessEnv, warehousePath: string): BackfillPorts {
  const config = parseEnvironment(BackfillEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    return gcpBackfillPorts({
      projectId: config.GCP_PROJECT_ID!,
      location: config.PROPS_BIGQUERY_LOCATION,
      bigqueryEndpoint: config.PROPS_BIGQUERY_ENDPOINT,
      firestoreDatabase: config.FIRESTORE_DATABASE,
    });
  requireWarehouseFile(warehousePath);
  const dataDir = dirname(warehousePath);
  const lock = new DistributedLock(new LocalLockBackend(join(dataDir, 'locks')));
  const staging = ndjsonStagingFor(join(dataDir, 'staging'));
  return {
    lock,
    state: new FileBatchState(join(dataDir, 'batches'), lock),
    staging,
    warehouse: new DuckdbBatchWarehouse(warehousePath, staging),
    holdWarehouse: (work) => holdWarehouse(warehousePath, work),
  };
}

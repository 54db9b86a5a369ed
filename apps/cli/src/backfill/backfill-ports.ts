import { dirname, join } from 'node:path';
import { parseEnvironment } from '@props/configuration';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { FileBatchState, type BatchStateStore } from '@props/prediction-batch';
import { requireWarehouseFile, withWarehouse } from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { gcpOnDemand } from '../gcp/gcp-on-demand';
import { gradingLock, withWarehouseReads } from '../grading/grading-backend';
import type { ChunkPorts } from './chunk-ports';
import { localChunkPorts } from '../local/backfill-chunk-ports';
import { perDateChunkPorts } from './per-date-chunk-ports';

/** What a backfill shares with the coordinator: its locks, its batch records and its warehouse. */
export interface BackfillPorts {
  /** The start and consolidation locks the coordinator takes. */
  lock: DistributedLock;
  /** The lock `props grade` takes per date. */
  gradingLock: DistributedLock;
  state: BatchStateStore;
  /**
   * Runs a chunk of dates with their inputs and writers open; on the local runtime the DuckDB file
   * is held for the chunk only, so the services and other processes get it between chunks.
   */
  withChunk<T>(datasetPrefix: string, work: (chunk: ChunkPorts) => Promise<T>): Promise<T>;
}

const BackfillEnvironment = backendEnvironment({});

/**
 * The coordinator's own stores, so a backfill and the services exclude each other per date: the
 * local runtime's folders beside the warehouse (var/locks, var/batches), or Firestore, BigQuery
 * staging and BigQuery with PROPS_BACKEND=gcp (their clients imported only then).
 */
export async function backfillPorts(env: NodeJS.ProcessEnv, warehousePath: string): Promise<BackfillPorts> {
  const config = parseEnvironment(BackfillEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp') {
    const { gcpBackfillPorts } = await gcpOnDemand.backfillPorts();
    const gcp = gcpBackfillPorts({
      projectId: config.GCP_PROJECT_ID!,
      location: config.PROPS_BIGQUERY_LOCATION,
      bigqueryEndpoint: config.PROPS_BIGQUERY_ENDPOINT,
      firestoreDatabase: config.FIRESTORE_DATABASE,
    });
    return {
      lock: gcp.lock,
      gradingLock: await gradingLock(env, warehousePath),
      state: gcp.state,
      withChunk: (datasetPrefix, work) =>
        work(
          perDateChunkPorts({
            warehouse: gcp.warehouse,
            staging: gcp.staging,
            datasetPrefix,
            withGrading: (grade) =>
              withWarehouseReads(env, warehousePath, datasetPrefix, ({ grading }) => grade(grading)),
          }),
        ),
    };
  }
  requireWarehouseFile(warehousePath);
  const lock = new DistributedLock(new LocalLockBackend(join(dirname(warehousePath), 'locks')));
  return {
    lock,
    gradingLock: await gradingLock(env, warehousePath),
    state: new FileBatchState(join(dirname(warehousePath), 'batches'), lock),
    withChunk: (datasetPrefix, work) =>
      withWarehouse(
        warehousePath,
        async (connection, connect) => work(await localChunkPorts(connection, connect, warehousePath, datasetPrefix)),
        // Nothing outside the file counts a chunk's dates done before its checkpoint (their locks
        // are released and they are reported after the opening), so its commits need no log.
        { withoutLog: true },
      ),
  };
}

import { DistributedLock, type AcquireOptions } from '@props/distributed-lock';
import type { ConsolidationResult } from './consolidation';
import { consolidateIntoDuckdb } from './local/duckdb-consolidation';
import { ensureWarehouseTables, requireCurrentSchema, withWarehouse } from '@props/warehouse';
import type { StagingStore } from '@props/prediction-store';

export interface ConsolidateBatchOptions {
  batchId: string;
  gameDate: string;
  staging: StagingStore;
  lock: DistributedLock;
  lockOptions: AcquireOptions;
  warehousePath: string;
}

/**
 * Exactly-once consolidation on the local runtime: under the distributed lock for the game date,
 * MERGE the batch's staged rows into the predictions table with the lease's fencing token, then
 * remove exactly the staging files that were merged (a file staged meanwhile waits for the next run).
 */
export async function consolidateBatch(options: ConsolidateBatchOptions): Promise<ConsolidationResult & { fencingToken: number }> {
  return options.lock.withLock(`consolidation_${options.gameDate}`, options.lockOptions, async ({ lease }) => {
    const messages = await options.staging.list(options.batchId);
    const rows = await options.staging.read(options.batchId, messages);
    const result = await withWarehouse(options.warehousePath, async (connection) => {
      await ensureWarehouseTables(connection);
      await requireCurrentSchema(connection, options.warehousePath);
      return consolidateIntoDuckdb(connection, options.gameDate, rows, lease.token);
    });
    await options.staging.remove(options.batchId, messages);
    return { ...result, fencingToken: lease.token };
  });
}

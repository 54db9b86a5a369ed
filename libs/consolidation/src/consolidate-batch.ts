import { DistributedLock, type AcquireOptions } from '@props/distributed-lock';
import type { StagingStore } from '@props/prediction-store';
import type { ConsolidationResult } from './consolidation';
import type { PredictionsMerger } from './predictions-merger';

export interface ConsolidateBatchOptions {
  batchId: string;
  gameDate: string;
  datasetPrefix: string;
  staging: StagingStore;
  lock: DistributedLock;
  lockOptions: AcquireOptions;
  merger: PredictionsMerger;
}

/** The distributed lock a date's consolidation holds; a prefixed (test) batch has its own. */
export function consolidationLockKey(gameDate: string, datasetPrefix: string): string {
  return datasetPrefix ? `consolidation_${datasetPrefix}_${gameDate}` : `consolidation_${gameDate}`;
}

/**
 * Exactly-once consolidation: under the distributed lock for the game date, MERGE the batch's
 * staged rows into the predictions table with the lease's fencing token, then remove exactly the
 * staging that was merged (anything staged meanwhile waits for the next run).
 */
export async function consolidateBatch(options: ConsolidateBatchOptions): Promise<ConsolidationResult & { fencingToken: number }> {
  return options.lock.withLock(consolidationLockKey(options.gameDate, options.datasetPrefix), options.lockOptions, async ({ lease }) => {
    const messages = await options.staging.list(options.batchId);
    const result = await options.merger.merge({ batchId: options.batchId, gameDate: options.gameDate, datasetPrefix: options.datasetPrefix, messageIds: messages }, lease.token);
    await options.staging.remove(options.batchId, messages);
    return { ...result, fencingToken: lease.token };
  });
}

import { type DistributedLock, type AcquireOptions } from '@props/distributed-lock';
import type { StagingStore } from '@props/prediction-store';
import type { ConsolidationResult } from './consolidation';
import type { ExpectedStaging, PredictionsMerger } from './predictions-merger';

export interface ConsolidateBatchOptions {
  batchId: string;
  gameDate: string;
  datasetPrefix: string;
  /** The logical ids the batch published: only their staging is merged, each once. */
  expectedMessageIds: readonly string[];
  /** Per message, the player it was published for and the rows its completion reported (see StagedBatch). */
  expected?: Readonly<Record<string, ExpectedStaging>>;
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
 * Exactly-once consolidation: under the distributed lock for the game date, MERGE the staged rows
 * of the messages the batch published into the predictions table with the lease's fencing token,
 * then remove exactly the staging that was merged (anything staged meanwhile waits for the next
 * run). Staging under the batch that it never published (forged, or another batch's) is left out
 * and returned in `unexpectedMessageIds` for the caller to report.
 */
export async function consolidateBatch(
  options: ConsolidateBatchOptions,
): Promise<ConsolidationResult & { fencingToken: number; unexpectedMessageIds: string[] }> {
  return options.lock.withLock(
    consolidationLockKey(options.gameDate, options.datasetPrefix),
    options.lockOptions,
    async ({ lease }) => {
      const expected = new Set(options.expectedMessageIds);
      const staged = await options.staging.list(options.batchId);
      const messages = staged.filter((messageId) => expected.has(messageId));
      const result = await options.merger.merge(
        {
          batchId: options.batchId,
          gameDate: options.gameDate,
          datasetPrefix: options.datasetPrefix,
          messageIds: messages,
          ...(options.expected ? { expected: options.expected } : {}),
        },
        lease.token,
      );
      // Quarantined staging stays where an operator can look at it (the cleanup removes it later).
      const quarantined = new Set(result.quarantined.map((bad) => bad.messageId));
      await options.staging.remove(
        options.batchId,
        messages.filter((messageId) => !quarantined.has(messageId)),
      );
      return {
        ...result,
        fencingToken: lease.token,
        unexpectedMessageIds: staged.filter((messageId) => !expected.has(messageId)),
      };
    },
  );
}

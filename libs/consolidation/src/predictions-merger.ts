import type { ConsolidationResult } from './consolidation';

/** One batch's staging, as consolidation found it under the lock. */
export interface StagedBatch {
  batchId: string;
  gameDate: string;
  /** Whose tables: '' for production, else the prefixed datasets of a test or backtest batch. */
  datasetPrefix: string;
  /** The staged requests to merge (staged later, they wait for the next consolidation). */
  messageIds: readonly string[];
  /**
   * What each message must hold, where known: the player it was published for, and the rows its
   * completion said were staged. A message whose rows name another batch or player, or whose count
   * differs (an empty or torn file), is quarantined instead of merged.
   */
  expected?: Readonly<Record<string, ExpectedStaging>>;
}

export interface ExpectedStaging {
  player: string | null;
  rows: number | null;
}

/**
 * Merges a batch's staged rows into the predictions table where they are staged, atomically,
 * newest row per key, refusing a fencing token older than one already used for the date.
 */
export interface PredictionsMerger {
  readonly name: string;
  merge(batch: StagedBatch, fencingToken: number): Promise<ConsolidationResult>;
}

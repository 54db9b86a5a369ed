import type { PredictionRow } from '@props/contracts';
import type { ConsolidationResult } from './consolidation';

/**
 * Writes one batch's staged rows into the predictions table, atomically, newest row per key,
 * refusing a fencing token older than one already used for the date.
 */
export interface PredictionsMerger {
  readonly name: string;
  merge(batchId: string, gameDate: string, rows: readonly PredictionRow[], fencingToken: number): Promise<ConsolidationResult>;
}

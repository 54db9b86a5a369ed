import type { AcquireOptions } from '@props/distributed-lock';
import type { BatchRecord } from './batch-record';
import type { BatchStateStore } from './batch-state-store';

/**
 * The lock held while a date's batch is started (the coordinator's /start, a backfill's date): one
 * start per date at a time. A prefixed (test) batch and production's never wait for each other.
 */
export function startLockKey(gameDate: string, datasetPrefix: string): string {
  return datasetPrefix ? `start_${datasetPrefix}_${gameDate}` : `start_${gameDate}`;
}

/**
 * Short and renewed (withLock renews every third of the lease while the start works): a process
 * killed inside a start frees the date within 30 s, not the 300 s the attack found.
 */
export const START_LOCK_OPTIONS: AcquireOptions = { leaseMs: 30_000, maxWaitMs: 30_000, retryIntervalMs: 50 };

/** Batch records written before prefixes were recorded are production's. */
export const batchPrefix = (batch: Pick<BatchRecord, 'dataset_prefix'>): string => batch.dataset_prefix ?? '';

/** The date's batches of the prefix that are not consolidated (nor superseded) yet, oldest first. */
export async function unfinishedBatches(
  state: BatchStateStore,
  gameDate: string,
  datasetPrefix: string,
): Promise<BatchRecord[]> {
  return (await state.list()).filter(
    (batch) =>
      batch.game_date === gameDate &&
      batchPrefix(batch) === datasetPrefix &&
      batch.status !== 'consolidated' &&
      batch.status !== 'superseded',
  );
}

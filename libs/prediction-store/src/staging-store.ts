import type { PredictionRow } from '@props/contracts';

/**
 * Where a worker stages one request's rows until the coordinator consolidates the batch. Keyed by
 * the Pub/Sub message id: a redelivered message replaces its rows instead of adding to them.
 */
export interface StagingStore {
  readonly name: string;
  write(batchId: string, messageId: string, rows: readonly PredictionRow[]): Promise<void>;
  /**
   * Several messages' rows of one batch (a group's players), each under its own message id as
   * `write` stages it; settles once every write has ended, failing with the first failure.
   */
  writeAll(batchId: string, staged: readonly StagedRows[]): Promise<void>;
  /** The (logical) message ids staged for a batch so far, whoever staged them. */
  list(batchId: string): Promise<string[]>;
  remove(batchId: string, messageIds: readonly string[]): Promise<void>;
  /**
   * Removes staging last written before `cutoff` (what batches that died left behind; a live batch
   * rewrites its staging within minutes) and returns what it removed, one name per table or folder.
   */
  removeStale(cutoff: Date): Promise<string[]>;
}

/** One message's rows for StagingStore.writeAll. */
export interface StagedRows {
  messageId: string;
  rows: readonly PredictionRow[];
}

export class StagingWriteError extends Error {
  override readonly name = 'StagingWriteError';
}

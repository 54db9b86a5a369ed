import type { BatchRecord, CompletionRecord } from './batch-record';

/** A stored header or completion that cannot be read (torn, or the wrong shape): where it is, what is wrong, one line for the log. */
export interface UnreadableState {
  path: string;
  reason: string;
  message: string;
}

/**
 * Where batches live, shared by every coordinator instance (never one process's memory):
 * files on the local runtime, Firestore in production. Completions are kept one per player, so
 * a redelivered completion replaces itself; `update` changes a header atomically.
 */
export interface BatchStateStore {
  create(record: BatchRecord, messages: Record<string, unknown>): Promise<void>;
  get(batchId: string): Promise<BatchRecord | null>;
  /** Every batch, oldest first. */
  list(): Promise<BatchRecord[]>;
  /** The request published for a player, for a re-publish. */
  message(batchId: string, player: string): Promise<unknown>;
  recordCompletion(batchId: string, completion: CompletionRecord): Promise<void>;
  completions(batchId: string): Promise<CompletionRecord[]>;
  /** How many players have completed, without reading the completions. */
  completionCount(batchId: string): Promise<number>;
  /** Applies `change` to the current header atomically; `change` returns null to leave it. Resolves with what was written. */
  update(batchId: string, change: (record: BatchRecord) => BatchRecord | null): Promise<BatchRecord | null>;
}

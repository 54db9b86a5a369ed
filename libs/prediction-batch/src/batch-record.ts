/** A batch as the state store keeps it (the header; completions are stored one per player). */
export interface BatchRecord {
  batch_id: string;
  game_date: string;
  /** '' for production; a prefix keeps the batch in its own tables, staging, locks and duplicate check. */
  dataset_prefix: string;
  status: 'running' | 'consolidating' | 'consolidated';
  created_at: string;
  stall_deadline: string;
  players: string[];
  /** Message id per player: a re-publish reuses it, so its staging replaces the first. */
  message_ids: Record<string, string>;
  selection_dropped: Record<string, number>;
  load: {
    path: 'one_query' | 'per_player';
    fallback_reason: string | null;
    duration_ms: number;
    missing: { playerLookup: string; reason: string }[];
  };
  republished_at: string | null;
  /** When the current consolidation claimed the batch; a claim older than a lease is presumed dead. */
  consolidating_since: string | null;
  consolidation: null | {
    /** Rows staged for the merge that finished the batch (a re-run after a crash finds only what was left). */
    rows_staged: number;
    /** Rows of the batch in the predictions table once consolidated: its whole contribution. */
    rows_merged: number;
    rows_replaced: number;
    duplicate_keys: number;
    fencing_token: number;
    coverage: number;
    partial: boolean;
    /** Staged messages left out of the merge (invalid rows, another date); logged with the reason. */
    quarantined?: string[];
    consolidated_at: string;
  };
  last_error: string | null;
  /** From the `/start` caller, carried into the phase-5 completion message (absent on records written before). */
  correlation_id?: string | null;
  trigger_source?: string | null;
}

export interface CompletionRecord {
  player_lookup: string;
  message_id: string;
  outcome: 'staged' | 'skipped';
  rows_staged: number;
  skip_reason: string | null;
  recorded_at: string;
}

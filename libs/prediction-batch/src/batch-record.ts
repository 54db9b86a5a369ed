import type { BatchPhase, ConsolidationSummary, FeatureLoad } from '@props/contracts';

/** A batch as the state store keeps it (the header; completions are stored one per player). */
export interface BatchRecord {
  batch_id: string;
  game_date: string;
  /** '' for production; a prefix keeps the batch in its own tables, staging, locks and duplicate check. */
  dataset_prefix: string;
  status: BatchPhase;
  created_at: string;
  stall_deadline: string;
  players: string[];
  /** Message id per player: a re-publish reuses it, so its staging replaces the first. */
  message_ids: Record<string, string>;
  selection_dropped: Record<string, number>;
  load: FeatureLoad;
  republished_at: string | null;
  /** When the current consolidation claimed the batch; a claim older than a lease is presumed dead. */
  consolidating_since: string | null;
  consolidation: ConsolidationSummary | null;
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

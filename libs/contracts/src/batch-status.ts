import * as z from 'zod';

/**
 * Where a batch is: predicting, being merged, merged; or superseded: a newer batch of its date and
 * prefix was started (forced) before it was merged, so it is closed and never merged (newest wins).
 */
export const BatchPhaseSchema = z.enum(['running', 'consolidating', 'consolidated', 'superseded']);
export type BatchPhase = z.infer<typeof BatchPhaseSchema>;

/** How the batch's features were loaded: the one slate query, or per player after it failed. */
export const FeatureLoadSchema = z.object({
  path: z.enum(['one_query', 'per_player']),
  fallback_reason: z.string().nullable(),
  duration_ms: z.number(),
  missing: z.array(z.object({ playerLookup: z.string(), reason: z.string() })),
});
export type FeatureLoad = z.infer<typeof FeatureLoadSchema>;

/** What the merge that finished the batch did. */
export const ConsolidationSummarySchema = z.object({
  /** Rows staged for the merge that finished the batch (a re-run after a crash finds only what was left). */
  rows_staged: z.number(),
  /** Rows of the batch in the predictions table once consolidated: its whole contribution. */
  rows_merged: z.number(),
  rows_replaced: z.number(),
  duplicate_keys: z.number(),
  fencing_token: z.number(),
  coverage: z.number(),
  partial: z.boolean(),
  /** Staged messages left out of the merge (invalid rows, another date); logged with the reason. */
  quarantined: z.array(z.string()).optional(),
  consolidated_at: z.string(),
});
export type ConsolidationSummary = z.infer<typeof ConsolidationSummarySchema>;

/** The coordinator's answer to `/start` and `GET /status/:batchId`, and each entry of `GET /status?game_date=`. */
export const BatchStatusBodySchema = z.object({
  batch_id: z.string(),
  game_date: z.string(),
  dataset_prefix: z.string(),
  status: BatchPhaseSchema,
  players_expected: z.number(),
  players_predicted: z.number(),
  players_skipped: z.record(z.string(), z.number()),
  players_pending: z.number(),
  coverage: z.number(),
  rows_staged: z.number(),
  load: FeatureLoadSchema,
  selection_dropped: z.record(z.string(), z.number()),
  consolidation: ConsolidationSummarySchema.nullable(),
  created_at: z.string(),
  republished_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type BatchStatusBody = z.infer<typeof BatchStatusBodySchema>;

/** `GET /status?game_date=D`: every batch of the date. */
export const BatchListBodySchema = z.object({ game_date: z.string(), batches: z.array(BatchStatusBodySchema) });
export type BatchListBody = z.infer<typeof BatchListBodySchema>;

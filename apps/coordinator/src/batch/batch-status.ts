import type { BatchStatusBody } from '@props/contracts';
import { batchPrefix, type BatchStateStore } from '@props/prediction-batch';

/** A batch's status body: its header and what its completions say; null for an unknown batch. */
export async function batchStatus(state: BatchStateStore, batchId: string): Promise<BatchStatusBody | null> {
  const batch = await state.get(batchId);
  if (!batch) return null;
  const completions = await state.completions(batchId);
  const skipped: Record<string, number> = {};
  for (const completion of completions)
    if (completion.outcome === 'skipped')
      skipped[completion.skip_reason ?? 'unknown'] = (skipped[completion.skip_reason ?? 'unknown'] ?? 0) + 1;
  return {
    batch_id: batch.batch_id,
    game_date: batch.game_date,
    dataset_prefix: batchPrefix(batch),
    status: batch.status,
    players_expected: batch.players.length,
    players_predicted: completions.filter((completion) => completion.outcome === 'staged').length,
    players_skipped: skipped,
    players_pending: batch.players.length - completions.length,
    // A player whose staging was quarantined (forged, empty or torn) is not covered.
    coverage:
      batch.players.length === 0
        ? 1
        : (completions.length - (batch.consolidation?.quarantined?.length ?? 0)) / batch.players.length,
    rows_staged: completions.reduce((sum, completion) => sum + completion.rows_staged, 0),
    load: batch.load,
    selection_dropped: batch.selection_dropped,
    consolidation: batch.consolidation,
    created_at: batch.created_at,
    republished_at: batch.republished_at,
    last_error: batch.last_error,
  };
}

/** The status of every batch of one date, oldest first. */
export async function batchStatusesOfDate(state: BatchStateStore, gameDate: string): Promise<BatchStatusBody[]> {
  const batches = (await state.list()).filter((batch) => batch.game_date === gameDate);
  return Promise.all(batches.map(async (batch) => (await batchStatus(state, batch.batch_id))!));
}

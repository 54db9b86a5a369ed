import { LogEvent } from '@props/observability';
import type { BatchRecord } from '@props/prediction-batch';
import type { BatchOrchestratorOptions } from './batch-orchestrator-options';
import { consolidateOnce } from './batch-consolidation';

/** What the stall check did (or is waiting for) about one batch. */
export interface StallAction {
  batch_id: string;
  action: string;
}

/** A stalled running batch's next step: merge it whole, re-publish its missing players once, or merge it partially. */
export async function advanceStalledBatch(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
  now: number,
  minCoverage: number,
  actions: StallAction[],
): Promise<void> {
  const done = new Set((await options.state.completions(batch.batch_id)).map((completion) => completion.player_lookup));
  const missing = batch.players.filter((player) => !done.has(player));
  const coverage = batch.players.length === 0 ? 1 : done.size / batch.players.length;
  if (missing.length === 0) {
    await consolidateOnce(options, batch.batch_id, false);
    actions.push({ batch_id: batch.batch_id, action: 'consolidated: every player was in' });
  } else if (batch.republished_at === null && options.delivery) {
    await republishMissing(options, batch, missing, now);
    actions.push({ batch_id: batch.batch_id, action: `re-published ${missing.length} missing players` });
  } else if (coverage >= minCoverage) {
    await consolidateOnce(options, batch.batch_id, true);
    actions.push({
      batch_id: batch.batch_id,
      action: `consolidated with partial coverage ${(coverage * 100).toFixed(1)}%`,
    });
  } else {
    actions.push({
      batch_id: batch.batch_id,
      action: `waiting: coverage ${(coverage * 100).toFixed(1)}% is below ${(minCoverage * 100).toFixed(1)}% after the re-publish`,
    });
  }
}

/** Publishes each missing player's stored request again, once, and gives them a fresh stall deadline. */
async function republishMissing(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
  missing: readonly string[],
  now: number,
): Promise<void> {
  for (const player of missing)
    await options.delivery!.publish(await options.state.message(batch.batch_id, player), batch.message_ids[player]!);
  await options.state.update(batch.batch_id, (record) => ({
    ...record,
    republished_at: new Date().toISOString(),
    stall_deadline: new Date(now + options.stallSeconds * 1000).toISOString(),
  }));
  options.logger.warn(
    { event: LogEvent.batchRepublished, batch_id: batch.batch_id, game_date: batch.game_date, players: missing.length },
    `re-published ${missing.length} missing players`,
  );
}

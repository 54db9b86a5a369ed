import { setTimeout as sleep } from 'node:timers/promises';
import { unfinishedBatches } from '@props/prediction-batch';
import { backfillChunk } from './backfill-chunk';
import type { BackfillContext, DateOutcome } from './backfill-date';

/**
 * Dates per chunk: each chunk's inputs are read at once and its rows merged at once, and the
 * warehouse and the chunk's start locks are held only while it runs, within the 30 s a /start of
 * one of its dates waits for the start lock (about 6 s at a load of 4, 13 s at a load of 9). Each
 * chunk ends with a checkpoint that rewrites the changed tables' key indexes whole, so fewer,
 * larger chunks cost less: a season is four.
 */
export const CHUNK_DATES = 48;

/**
 * The range chunk by chunk; a date whose daily batch is running is done last, once that batch
 * has finished (or its stall deadline has passed), so the backfill neither merges into a running
 * batch nor gives the date up because a daily batch started it first.
 */
export async function backfillRange(
  context: BackfillContext,
  dates: readonly string[],
  onDate: (outcome: DateOutcome, done: number) => void,
): Promise<DateOutcome[]> {
  const outcomes = new Map<string, DateOutcome>();
  const report = (finished: readonly DateOutcome[]) => {
    for (const outcome of finished) {
      outcomes.set(outcome.game_date, outcome);
      onDate(outcome, outcomes.size);
    }
  };
  const waiting: string[] = [];
  for (let first = 0; first < dates.length; first += CHUNK_DATES) {
    const chunk = await backfillChunk(context, dates.slice(first, first + CHUNK_DATES), { wait: true });
    report(chunk.outcomes);
    waiting.push(...chunk.waiting);
  }
  for (const date of waiting) await waitForDailyBatches(context, date);
  if (waiting.length > 0) report((await backfillChunk(context, waiting, { wait: false })).outcomes);
  return dates.map((date) => outcomes.get(date)!);
}

/** Until the date has no unfinished batch, or the latest stall deadline among them has passed. */
async function waitForDailyBatches(context: BackfillContext, date: string): Promise<void> {
  for (;;) {
    const running = await unfinishedBatches(context.ports.state, date, context.datasetPrefix);
    const deadline = Math.max(...running.map((batch) => Date.parse(batch.stall_deadline)));
    if (running.length === 0 || Date.now() >= deadline) return;
    await sleep(Math.min(1_000, deadline - Date.now()));
  }
}

import { errorMessage } from '@props/contracts';
import { CONSOLIDATION_LOCK_DEFAULTS } from '@props/distributed-lock';
import { consolidationLockKey } from '@props/consolidation';
import { NothingToGradeError } from '@props/grading';
import { START_LOCK_OPTIONS, startLockKey, unfinishedBatches } from '@props/prediction-batch';
import { GRADING_LOCK_OPTIONS } from '../grading/grading-backend';
import { DateSkipped, newOutcome, notDone, predictDate, type BackfillContext, type DateOutcome } from './backfill-date';
import type { ChunkPorts, FencingTokens, PredictedDate } from './chunk-ports';
import { holdLocks } from './hold-locks';

export interface ChunkResult {
  outcomes: DateOutcome[];
  /** Dates a daily batch is running (before its stall deadline): to be tried again once it finishes. */
  waiting: string[];
}

/**
 * A chunk of dates as daily batches would do them, in this process. Every lock is taken before
 * the warehouse is opened, so no lock is waited for while the warehouse is held (#25 item 8):
 * the dates' start locks (no /start of them runs meanwhile; a date with an unfinished batch is
 * never merged into), their consolidation locks (one fencing token per date) and grading locks.
 * Then, with the warehouse open for the chunk only, the same selection, slate and rows per date,
 * one merge of all the dates' rows (newest wins) and one grading pass.
 */
export async function backfillChunk(
  context: BackfillContext,
  dates: readonly string[],
  options: { wait: boolean },
): Promise<ChunkResult> {
  const started = Date.now();
  const outcomes = new Map(dates.map((date) => [date, newOutcome(date)]));
  const waiting: string[] = [];
  const { ports, datasetPrefix } = context;
  const startKeys = new Map(dates.map((date) => [startLockKey(date, datasetPrefix), date]));
  await holdLocks(ports.lock, [...startKeys.keys()], START_LOCK_OPTIONS, async (_, busy) => {
    const claimed: string[] = [];
    for (const [key, date] of startKeys) {
      if (busy.has(key)) Object.assign(outcomes.get(date)!, notDone(busy.get(key)));
      else if (await runningBatch(context, date, options.wait, waiting, outcomes.get(date)!)) continue;
      else claimed.push(date);
    }
    if (claimed.length > 0) await withOtherLocks(context, claimed, outcomes);
  });
  const finished = dates.filter((date) => !waiting.includes(date));
  const share = (Date.now() - started) / 1000 / Math.max(1, finished.length);
  for (const outcome of outcomes.values()) outcome.seconds = share;
  return { outcomes: finished.map((date) => outcomes.get(date)!), waiting };
}

/** Whether the date has an unfinished batch: one before its stall deadline waits (if allowed), the rest skip. */
async function runningBatch(
  context: BackfillContext,
  date: string,
  wait: boolean,
  waiting: string[],
  outcome: DateOutcome,
): Promise<boolean> {
  const running = await unfinishedBatches(context.ports.state, date, context.datasetPrefix);
  if (running.length === 0) return false;
  if (wait && running.some((batch) => Date.parse(batch.stall_deadline) > Date.now())) waiting.push(date);
  else
    Object.assign(
      outcome,
      notDone(new DateSkipped(`batch ${running[0]!.batch_id} of the date is ${running[0]!.status}`)),
    );
  return true;
}

async function withOtherLocks(context: BackfillContext, claimed: string[], outcomes: Map<string, DateOutcome>) {
  const { ports, datasetPrefix } = context;
  const consolidation = new Map(claimed.map((date) => [consolidationLockKey(date, datasetPrefix), date]));
  await holdLocks(ports.lock, [...consolidation.keys()], CONSOLIDATION_LOCK_DEFAULTS, async (held, busy) => {
    const tokens = new Map<string, number>();
    for (const [key, date] of consolidation)
      if (busy.has(key)) Object.assign(outcomes.get(date)!, notDone(busy.get(key)));
      else tokens.set(date, held.get(key)!);
    const fenced = claimed.filter((date) => tokens.has(date));
    const gradingKeys = context.grade ? fenced.map((date) => `grading_${date}`) : [];
    await holdLocks(ports.gradingLock, gradingKeys, GRADING_LOCK_OPTIONS, async (_, gradingBusy) => {
      const refused = new Map([...gradingBusy].map(([key, error]) => [key.slice('grading_'.length), error]));
      try {
        await ports.withChunk(fenced, datasetPrefix, (chunk) =>
          runDates(context, chunk, fenced, tokens, outcomes, refused),
        );
      } catch (error) {
        for (const date of fenced) {
          const outcome = outcomes.get(date)!;
          if (outcome.status !== 'done' && outcome.reason === null) Object.assign(outcome, notDone(error));
        }
      }
    });
  });
}

/** Predicts each date, merges them at once, then grades the merged ones in one pass. */
async function runDates(
  context: BackfillContext,
  chunk: ChunkPorts,
  dates: readonly string[],
  tokens: FencingTokens,
  outcomes: Map<string, DateOutcome>,
  gradingRefused: ReadonlyMap<string, Error>,
): Promise<void> {
  const predicted: PredictedDate[] = [];
  for (const date of dates) {
    const outcome = outcomes.get(date)!;
    try {
      predicted.push(await predictDate(context, chunk, outcome));
    } catch (error) {
      Object.assign(outcome, notDone(error));
    }
  }
  const written = await chunk.write(predicted, tokens);
  const merged: string[] = [];
  for (const [date, result] of written) {
    const outcome = outcomes.get(date)!;
    if (result instanceof Error) Object.assign(outcome, notDone(result));
    else {
      Object.assign(outcome, { status: 'done', rows: result.batchRows, rows_replaced: result.rowsReplaced });
      merged.push(date);
    }
  }
  if (!context.grade) return;
  for (const [date, error] of gradingRefused)
    if (merged.includes(date)) Object.assign(outcomes.get(date)!, gradingFailed(error));
  let graded: Awaited<ReturnType<ChunkPorts['grade']>>;
  try {
    graded = await chunk.grade(merged.filter((date) => !gradingRefused.has(date)));
  } catch (error) {
    for (const date of merged) Object.assign(outcomes.get(date)!, gradingFailed(error));
    return;
  }
  for (const [date, result] of graded) {
    const outcome = outcomes.get(date)!;
    if (result instanceof NothingToGradeError) outcome.reason = `not graded: ${result.message}`;
    else if (result instanceof Error) Object.assign(outcome, gradingFailed(result));
    else {
      outcome.graded = result.rows.length;
      outcome.systems = result.systems.filter(
        (system) => context.keepSystems === null || context.keepSystems.has(system.systemId),
      );
    }
  }
}

const gradingFailed = (error: unknown): Pick<DateOutcome, 'status' | 'reason'> => ({
  status: 'failed',
  reason: `consolidated, but grading failed: ${errorMessage(error)}`,
});

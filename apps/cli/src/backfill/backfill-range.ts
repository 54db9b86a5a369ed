import { setTimeout as sleep } from 'node:timers/promises';
import { unfinishedBatches } from '@props/prediction-batch';
import { checkpointMerged, failUnfinished, predictChunk, writeChunk, type PredictedChunk } from './backfill-chunk';
import { claimChunk, type ClaimedChunk } from './claim-chunk';
import type { BackfillContext, DateOutcome } from './backfill-date';

/**
 * Dates per chunk: each chunk's inputs are read at once and its rows merged at once. A chunk's
 * start locks are held over two openings of the warehouse (the one that predicts it and the one
 * that writes it), within the 30 s a /start of one of its dates waits for the start lock. Each
 * opening ends with a checkpoint that rewrites the changed tables' key indexes whole, so fewer,
 * larger chunks cost less (a season's CPU 16.7-17.4 s against 18.8-20.0 s with 48;
 * docs/performance.md).
 */
export const CHUNK_DATES = 54;

/**
 * The range in chunks of CHUNK_DATES, the part chunk first (a season's 174 dates: 12, then three
 * of 54). The first chunk's prediction and the last chunk's write are the two steps nothing
 * overlaps; DuckDB's side is the longer one, so a small first chunk shortens the run, and a full
 * last one saves the opening a part chunk after the full ones would cost.
 */
export function rangeChunks(dates: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let end = dates.length; end > 0; end -= CHUNK_DATES)
    chunks.unshift(dates.slice(Math.max(0, end - CHUNK_DATES), end));
  return chunks;
}

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
  const report = (claim: ClaimedChunk) => {
    const finished = claim.dates.filter((date) => !claim.waiting.includes(date));
    const share = (Date.now() - claim.started) / 1000 / Math.max(1, finished.length);
    for (const date of finished) {
      const outcome = claim.outcomes.get(date)!;
      outcome.seconds = share;
      outcomes.set(date, outcome);
      onDate(outcome, outcomes.size);
    }
  };
  const waiting = await pipeline(context, rangeChunks(dates), { wait: true }, report);
  for (const date of waiting) await waitForDailyBatches(context, date);
  if (waiting.length > 0) await pipeline(context, [waiting], { wait: false }, report);
  return dates.map((date) => outcomes.get(date)!);
}

/**
 * The chunks overlapped: each opening of the warehouse merges, grades and checkpoints the chunk
 * predicted before (DuckDB's threads) while the main thread predicts the next (onnxruntime-node
 * and the systems run on it); the first opening only predicts, the last only writes. So a chunk's
 * locks are taken before the opening that predicts it (with the warehouse closed) and
 * released after the opening that writes it. Resolves with the dates that wait for a running
 * daily batch.
 */
async function pipeline(
  context: BackfillContext,
  chunks: readonly string[][],
  options: { wait: boolean },
  report: (claim: ClaimedChunk) => void,
): Promise<string[]> {
  const waiting: string[] = [];
  let pending: PredictedChunk | null = null;
  try {
    for (const dates of chunks) {
      const claim = await claimChunk(context, dates, options);
      waiting.push(...claim.waiting);
      const written: PredictedChunk | null = pending;
      pending = await opening(context, written, claim);
      if (written) await finish(written.claim, report);
    }
    const last: PredictedChunk | null = pending;
    pending = null;
    if (last) {
      await opening(context, last, null);
      await finish(last.claim, report);
    }
  } finally {
    // Only after a failure: the chunk still held is released.
    if (pending) await pending.claim.release();
  }
  return waiting;
}

async function finish(claim: ClaimedChunk, report: (claim: ClaimedChunk) => void): Promise<void> {
  await claim.release();
  report(claim);
}

/**
 * One opening of the warehouse: `written` merged and graded on the opening's connection while
 * `next`'s inputs are read on a second one and then predicted; the checkpoint only once those
 * reads are done, so none of them is open while it writes the file. The run's first opening only
 * predicts: it may follow a killed run, whose replayed log `withWarehouse` checkpoints at every
 * open (DuckDB 1.5.6 loses replayed rows from their index otherwise). Never rejects: a failure of
 * the opening fails the unfinished dates of both.
 */
async function opening(
  context: BackfillContext,
  written: PredictedChunk | null,
  next: ClaimedChunk | null,
): Promise<PredictedChunk> {
  const nothing = { claim: next ?? written!.claim, predicted: [] };
  const writes = written !== null && written.predicted.length > 0 ? written : null;
  if (writes === null && (next === null || next.fenced.length === 0)) return nothing;
  try {
    return await context.ports.withChunk(context.datasetPrefix, async (chunk) => {
      const reading = next && next.fenced.length > 0 ? chunk.inputs(next.fenced) : Promise.resolve(null);
      const [writing, predicting] = await Promise.allSettled([
        writes &&
          writeChunk(context, chunk, writes).then(async (merged) => {
            await reading.catch(() => undefined);
            return checkpointMerged(chunk, writes.claim, merged);
          }),
        reading.then((inputs) => (inputs ? predictChunk(context, inputs, next!) : nothing)),
      ]);
      for (const settled of [writing, predicting]) if (settled.status === 'rejected') throw settled.reason;
      return (predicting as PromiseFulfilledResult<PredictedChunk>).value;
    });
  } catch (error) {
    if (written) failUnfinished(written.claim, error);
    if (next) failUnfinished(next, error);
    return nothing;
  }
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

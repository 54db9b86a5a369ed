import { errorMessage } from '@props/contracts';
import { NothingToGradeError } from '@props/grading';
import { notDone, predictDate, type BackfillContext, type DateOutcome } from './backfill-date';
import type { ChunkInputs, ChunkPorts, PredictedDate } from './chunk-ports';
import type { ClaimedChunk } from './claim-chunk';

/** A claimed chunk whose dates are predicted in memory, waiting to be merged. */
export interface PredictedChunk {
  claim: ClaimedChunk;
  predicted: PredictedDate[];
}

/** The selection, slate and rows of each fenced date, as a daily batch forms them. */
export async function predictChunk(
  context: BackfillContext,
  inputs: ChunkInputs,
  claim: ClaimedChunk,
): Promise<PredictedChunk> {
  const predicted: PredictedDate[] = [];
  for (const date of claim.fenced) {
    const outcome = claim.outcomes.get(date)!;
    try {
      predicted.push(await predictDate(context, inputs, outcome));
    } catch (error) {
      Object.assign(outcome, notDone(error));
    }
  }
  return { claim, predicted };
}

/** Merges the chunk's predicted dates at once, then grades the merged ones in one pass; resolves with the merged dates. */
export async function writeChunk(
  context: BackfillContext,
  chunk: ChunkPorts,
  done: PredictedChunk,
): Promise<readonly string[]> {
  const { outcomes, gradingRefused } = done.claim;
  try {
    const written = await chunk.write(done.predicted, done.claim.tokens);
    const merged: string[] = [];
    for (const [date, result] of written) {
      const outcome = outcomes.get(date)!;
      if (result instanceof Error) Object.assign(outcome, notDone(result));
      else {
        Object.assign(outcome, { status: 'done', rows: result.batchRows, rows_replaced: result.rowsReplaced });
        merged.push(date);
      }
    }
    if (!context.grade) return merged;
    for (const [date, error] of gradingRefused)
      if (merged.includes(date)) Object.assign(outcomes.get(date)!, gradingFailed(error));
    await gradeMerged(
      context,
      chunk,
      outcomes,
      merged.filter((date) => !gradingRefused.has(date)),
    );
    return merged;
  } catch (error) {
    failUnfinished(done.claim, error);
    return [];
  }
}

/**
 * The opening's CHECKPOINT. The backfill's openings commit without a write-ahead log, so their
 * writes are durable only once it succeeds: if it fails, no date merged in the opening is done.
 */
export async function checkpointMerged(chunk: ChunkPorts, claim: ClaimedChunk, merged: readonly string[]) {
  try {
    await chunk.checkpoint();
  } catch (error) {
    for (const date of merged)
      Object.assign(claim.outcomes.get(date)!, {
        status: 'failed',
        reason: `merged, but not made durable (the warehouse's checkpoint failed): ${errorMessage(error)}`,
      });
    throw error;
  }
}

async function gradeMerged(
  context: BackfillContext,
  chunk: ChunkPorts,
  outcomes: Map<string, DateOutcome>,
  merged: string[],
): Promise<void> {
  let graded: Awaited<ReturnType<ChunkPorts['grade']>>;
  try {
    graded = await chunk.grade(merged);
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

/** Every fenced date that neither finished nor has its reason yet fails with `error`. */
export function failUnfinished(claim: ClaimedChunk, error: unknown): void {
  for (const date of claim.fenced) {
    const outcome = claim.outcomes.get(date)!;
    if (outcome.status !== 'done' && outcome.reason === null) Object.assign(outcome, notDone(error));
  }
}

const gradingFailed = (error: unknown): Pick<DateOutcome, 'status' | 'reason'> => ({
  status: 'failed',
  reason: `consolidated, but grading failed: ${errorMessage(error)}`,
});

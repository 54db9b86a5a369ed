import { CONSOLIDATION_LOCK_DEFAULTS } from '@props/distributed-lock';
import { consolidationLockKey } from '@props/consolidation';
import { START_LOCK_OPTIONS, startLockKey, unfinishedBatches } from '@props/prediction-batch';
import { GRADING_LOCK_OPTIONS } from '../grading/grading-backend';
import { DateSkipped, newOutcome, notDone, type BackfillContext, type DateOutcome } from './backfill-date';
import type { FencingTokens } from './chunk-ports';
import { holdLocks } from './hold-locks';

/** A chunk of dates with every lock it could take held until `release`. */
export interface ClaimedChunk {
  dates: readonly string[];
  outcomes: Map<string, DateOutcome>;
  /** Dates a daily batch is running (before its stall deadline): to be tried again once it finishes. */
  waiting: string[];
  /** Dates under their start and consolidation locks: the ones to predict and merge. */
  fenced: string[];
  tokens: FencingTokens;
  /** Fenced dates whose grading lock stayed busy, with its refusal. */
  gradingRefused: ReadonlyMap<string, Error>;
  started: number;
  /** Releases every lock; rejects if one was lost meanwhile. */
  release(): Promise<void>;
}

/**
 * Takes a chunk's locks, with the warehouse closed, so no lock is waited for while the warehouse
 * is held (#25 item 8): the dates' start locks (no /start of them runs meanwhile; a date with an
 * unfinished batch is never merged into), their consolidation locks (one fencing token per date)
 * and grading locks. The locks stay held (and renewed) after this resolves, until `release`: the
 * range holds the next chunk's locks while it still writes this one's.
 */
export function claimChunk(
  context: BackfillContext,
  dates: readonly string[],
  options: { wait: boolean },
): Promise<ClaimedChunk> {
  const claim: Omit<ClaimedChunk, 'release'> = {
    dates,
    outcomes: new Map(dates.map((date) => [date, newOutcome(date)])),
    waiting: [],
    fenced: [],
    tokens: new Map(),
    gradingRefused: new Map(),
    started: Date.now(),
  };
  let release!: () => void;
  const released = new Promise<void>((resolveRelease) => (release = resolveRelease));
  return new Promise<ClaimedChunk>((resolveClaim, rejectClaim) => {
    const hold = async () => {
      resolveClaim({ ...claim, release: () => (release(), holding) });
      await released;
    };
    const { ports, datasetPrefix } = context;
    const startKeys = new Map(dates.map((date) => [startLockKey(date, datasetPrefix), date]));
    const holding = holdLocks(ports.lock, [...startKeys.keys()], START_LOCK_OPTIONS, async (_, busy) => {
      const claimed: string[] = [];
      for (const [key, date] of startKeys) {
        if (busy.has(key)) Object.assign(claim.outcomes.get(date)!, notDone(busy.get(key)));
        else if (await runningBatch(context, date, options.wait, claim)) continue;
        else claimed.push(date);
      }
      if (claimed.length > 0) await withOtherLocks(context, claimed, claim, hold);
      else await hold();
    });
    // Before the claim resolves a failure rejects it; after, release() hands it on.
    holding.catch(rejectClaim);
  });
}

/** Whether the date has an unfinished batch: one before its stall deadline waits (if allowed), the rest skip. */
async function runningBatch(
  context: BackfillContext,
  date: string,
  wait: boolean,
  claim: Omit<ClaimedChunk, 'release'>,
): Promise<boolean> {
  const running = await unfinishedBatches(context.ports.state, date, context.datasetPrefix);
  if (running.length === 0) return false;
  if (wait && running.some((batch) => Date.parse(batch.stall_deadline) > Date.now())) claim.waiting.push(date);
  else
    Object.assign(
      claim.outcomes.get(date)!,
      notDone(new DateSkipped(`batch ${running[0]!.batch_id} of the date is ${running[0]!.status}`)),
    );
  return true;
}

async function withOtherLocks(
  context: BackfillContext,
  claimed: string[],
  claim: Omit<ClaimedChunk, 'release'>,
  hold: () => Promise<void>,
): Promise<void> {
  const { ports, datasetPrefix } = context;
  const consolidation = new Map(claimed.map((date) => [consolidationLockKey(date, datasetPrefix), date]));
  await holdLocks(ports.lock, [...consolidation.keys()], CONSOLIDATION_LOCK_DEFAULTS, async (held, busy) => {
    const tokens = claim.tokens as Map<string, number>;
    for (const [key, date] of consolidation)
      if (busy.has(key)) Object.assign(claim.outcomes.get(date)!, notDone(busy.get(key)));
      else tokens.set(date, held.get(key)!);
    claim.fenced.push(...claimed.filter((date) => tokens.has(date)));
    const gradingKeys = context.grade ? claim.fenced.map((date) => `grading_${date}`) : [];
    await holdLocks(ports.gradingLock, gradingKeys, GRADING_LOCK_OPTIONS, async (_, gradingBusy) => {
      const refused = claim.gradingRefused as Map<string, Error>;
      for (const [key, error] of gradingBusy) refused.set(key.slice('grading_'.length), error);
      await hold();
    });
  });
}

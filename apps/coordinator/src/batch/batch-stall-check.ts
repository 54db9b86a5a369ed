import { LogEvent } from '@props/observability';
import { errorMessage } from '@props/contracts';
import { consolidationLockKey } from '@props/consolidation';
import { CONSOLIDATION_LOCK_DEFAULTS, LockTimeoutError } from '@props/distributed-lock';
import { batchPrefix, type BatchRecord } from '@props/prediction-batch';
import { batchLogContext, type BatchOrchestratorOptions } from './batch-orchestrator-options';
import { followUpConsolidation } from './follow-up-consolidation';
import { publicReason } from './public-reason';
import { advanceStalledBatch, type StallAction } from './stalled-batch-advance';
import { newerBatchOf, supersedeBatch } from './supersede-batch';

/**
 * A consolidating batch claimed longer ago than this whose date lock is free has lost its
 * consolidator. One lease long: a live consolidator holds (and renews) the lock within moments of
 * its claim, a dead one's lease has lapsed by then.
 */
export const CONSOLIDATION_GRACE_MS = CONSOLIDATION_LOCK_DEFAULTS.leaseMs;

export interface StallCheckRequest {
  batchId?: string;
  force?: boolean;
  stallMinutes?: number;
  minCoverage?: number;
}

/**
 * For each running batch past its stall deadline (or every running batch with `force`, until its
 * re-publish sets a fresh deadline, which even `force` then respects): re-publish the missing
 * players once; after that, consolidate when coverage is high enough. A batch left consolidating
 * by a coordinator that died (claim older than the grace period, date lock free) is reopened
 * first; one that a newer batch of its date replaced is closed as superseded instead of merged;
 * a partially consolidated batch whose late players have staged since gets a follow-up merge.
 * Each batch is checked on its own: one that fails is reported with its reason (and logged as
 * consolidation_failed, which alerts), and the others proceed.
 */
export async function checkStalledBatches(
  options: BatchOrchestratorOptions,
  request: StallCheckRequest,
): Promise<StallAction[]> {
  const actions: StallAction[] = [];
  const all = await options.state.list();
  for (const listed of all) {
    if (request.batchId && listed.batch_id !== request.batchId) continue;
    if (listed.status === 'superseded') continue;
    try {
      await checkOne(options, listed, all, request, actions);
    } catch (error) {
      options.logger.error(
        { event: LogEvent.consolidationFailed, ...batchLogContext(listed), reason: errorMessage(error) },
        `stall check of ${listed.batch_id} failed; the other batches proceed`,
      );
      actions.push({ batch_id: listed.batch_id, action: `failed: ${publicReason(error)}` });
    }
  }
  return actions;
}

async function checkOne(
  options: BatchOrchestratorOptions,
  listed: BatchRecord,
  all: readonly BatchRecord[],
  request: StallCheckRequest,
  actions: StallAction[],
): Promise<void> {
  const now = Date.now();
  if (listed.status === 'consolidated') {
    if (listed.consolidation?.partial && !newerBatchOf(listed, all)) {
      const followed = await followUpConsolidation(options, listed.batch_id);
      if (followed) actions.push({ batch_id: listed.batch_id, action: followed });
    }
    return;
  }
  const batch = await reopenAbandoned(options, listed, now, actions);
  if (!batch) return;
  if (batch.status !== 'running') {
    actions.push({
      batch_id: batch.batch_id,
      action: `waiting: consolidating since ${batch.consolidating_since ?? 'an unknown time'}; reopened when its date lock is free and ${CONSOLIDATION_GRACE_MS / 1000} s have passed`,
    });
    return;
  }
  const newer = newerBatchOf(batch, all);
  if (newer) {
    await supersedeBatch(options, batch.batch_id, newer.batch_id);
    actions.push({ batch_id: batch.batch_id, action: `superseded by ${newer.batch_id}; not merged` });
    return;
  }
  // The original's stall-check body sets the threshold: stalled once the last publish is that old.
  const deadline =
    request.stallMinutes === undefined
      ? Date.parse(batch.stall_deadline)
      : Date.parse(batch.republished_at ?? batch.created_at) + request.stallMinutes * 60_000;
  // `force` skips the first wait only: after the re-publish, its fresh deadline gives the re-published players their time.
  const forced = request.force && batch.republished_at === null;
  if (!forced && batch === listed && deadline > now) {
    const pending = batch.players.length - (await options.state.completionCount(batch.batch_id));
    actions.push({
      batch_id: batch.batch_id,
      action: `waiting: ${pending} of ${batch.players.length} players pending; stall deadline ${new Date(deadline).toISOString()}`,
    });
    return;
  }
  await advanceStalledBatch(options, batch, now, request.minCoverage ?? options.minCoverage, actions);
}

/**
 * A batch left consolidating by a coordinator that died mid-consolidation (its transaction rolled
 * back and the staging is intact) is reopened; returns the batch to go on with, or null when
 * another caller changed it first.
 */
async function reopenAbandoned(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
  now: number,
  actions: StallAction[],
): Promise<BatchRecord | null> {
  if (
    batch.status !== 'consolidating' ||
    now - Date.parse(batch.consolidating_since ?? batch.created_at) <= CONSOLIDATION_GRACE_MS ||
    (await consolidationLockHeld(options, batch.game_date, batchPrefix(batch)))
  )
    return batch;
  const since = batch.consolidating_since;
  const reopened = await options.state.update(batch.batch_id, (record) =>
    record.status === 'consolidating' && record.consolidating_since === since
      ? { ...record, status: 'running', consolidating_since: null }
      : null,
  );
  if (!reopened) return null;
  actions.push({
    batch_id: batch.batch_id,
    action: `reopened a consolidation left unfinished since ${since ?? 'an unknown time'}`,
  });
  return reopened;
}

/** Whether some process holds the date's consolidation lock right now (probing takes and returns it). */
async function consolidationLockHeld(
  options: BatchOrchestratorOptions,
  gameDate: string,
  datasetPrefix: string,
): Promise<boolean> {
  try {
    const lease = await options.lock.acquire(consolidationLockKey(gameDate, datasetPrefix), {
      leaseMs: 5_000,
      maxWaitMs: 0,
      retryIntervalMs: 100,
    });
    await options.lock.release(lease);
    return false;
  } catch (error) {
    if (error instanceof LockTimeoutError) return true;
    throw error;
  }
}

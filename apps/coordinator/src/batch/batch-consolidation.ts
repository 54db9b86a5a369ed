import { LogEvent } from '@props/observability';
import { INVALID_FEATURES, type BatchStatusBody, errorMessage } from '@props/contracts';
import { consolidateBatch, type ExpectedStaging } from '@props/consolidation';
import { CONSOLIDATION_LOCK_DEFAULTS } from '@props/distributed-lock';
import { batchPrefix, type BatchRecord } from '@props/prediction-batch';
import type { StagingStore } from '@props/prediction-store';
import { batchLogContext, type BatchOrchestratorOptions } from './batch-orchestrator-options';
import { batchStatus } from './batch-status';
import { logLeftOut, logSummary, type BatchMergeResult } from './consolidation-logs';
import { announceBatch } from './phase5-announcement';
import { publicReason } from './public-reason';

/** Runs once per batch: only the caller that moves it from running to consolidating does the MERGE. */
export async function consolidateOnce(
  options: BatchOrchestratorOptions,
  batchId: string,
  partial: boolean,
): Promise<BatchStatusBody | null> {
  const claimed = await options.state.update(batchId, (record) =>
    record.status === 'running'
      ? { ...record, status: 'consolidating', consolidating_since: new Date().toISOString() }
      : null,
  );
  if (!claimed) return await batchStatus(options.state, batchId);
  try {
    return await mergeClaimed(options, claimed, partial);
  } catch (error) {
    await options.state.update(batchId, (record) => ({
      ...record,
      status: 'running',
      consolidating_since: null,
      // The status body is open: the reason's kind only; the log has the driver's words.
      last_error: publicReason(error),
    }));
    options.logger.error(
      { event: LogEvent.consolidationFailed, ...batchLogContext(claimed), reason: errorMessage(error) },
      `consolidation of ${batchId} failed; it stays running and the stall check retries it`,
    );
    throw error;
  }
}

/** The MERGE of a batch this caller claimed, its bookkeeping row, its header and its announcement. */
async function mergeClaimed(
  options: BatchOrchestratorOptions,
  claimed: BatchRecord,
  partial: boolean,
): Promise<BatchStatusBody> {
  const batchId = claimed.batch_id;
  const context = batchLogContext(claimed);
  // One warehouse session for the merge and its bookkeeping row: the local file is opened once,
  // under the date's consolidation lock. The batch is marked once both are committed (durable in
  // DuckDB's log), and announced right after, both before the session's close checkpoints the
  // file: the checkpoint is off the path to "consolidated" (docs/performance.md, "The
  // consolidation's tail, sixth pass"), and a coordinator killed during it has already announced.
  const { result } = await options.warehouse.session(async () => {
    const recorded = await mergeAndRecord(options, claimed);
    await markConsolidated(options, claimed, recorded.result, { ...recorded, partial });
    await announceIfWritten(options, claimed, recorded, partial);
    return recorded;
  });
  const status = (await batchStatus(options.state, batchId))!;
  logSummary(options.logger, status, result, context);
  return status;
}

/**
 * Only the batch whose rows are in the table announces them: a stale batch that wrote nothing (a
 * newer one of the date had every key) must not make downstream re-export.
 */
async function announceIfWritten(
  options: BatchOrchestratorOptions,
  claimed: BatchRecord,
  { result, completed, consolidatedAt }: Awaited<ReturnType<typeof mergeAndRecord>>,
  partial: boolean,
): Promise<void> {
  if (result.rowsMerged > 0 || (result.rowsKept === 0 && result.batchRows > 0))
    await announceBatch(options, claimed, {
      playersCompleted: completed,
      rowsMerged: result.batchRows,
      consolidatedAt,
      partial,
    });
  else
    options.logger.warn(
      { event: LogEvent.batchSuperseded, ...batchLogContext(claimed), rows_kept: result.rowsKept },
      `batch ${claimed.batch_id} wrote no rows (a newer batch of the date holds ${result.rowsKept}); no phase-5 completion`,
    );
}

/** The batch's staging merged, then its row in prediction_batches. */
async function mergeAndRecord(options: BatchOrchestratorOptions, claimed: BatchRecord) {
  const batchId = claimed.batch_id;
  const result = await mergeStaging(options, claimed, options.staging(batchPrefix(claimed)));
  logLeftOut(options.logger, result, batchLogContext(claimed));
  const completed = await options.state.completionCount(batchId);
  // Players the feature gate refused get no row by design: the batch does not expect them.
  const refused = (await options.state.completions(batchId)).filter(
    (completion) => completion.skip_reason === INVALID_FEATURES,
  ).length;
  const consolidatedAt = new Date().toISOString();
  await options.warehouse.recordBatch(
    {
      batch_id: batchId,
      game_date: claimed.game_date,
      players_expected: claimed.players.length - refused,
      players_completed: completed,
      rows_merged: result.batchRows,
      fencing_token: result.fencingToken,
      load_path: claimed.load.path,
      consolidated_at: consolidatedAt,
    },
    batchPrefix(claimed),
  );
  return { result, completed, consolidatedAt };
}

async function markConsolidated(
  options: BatchOrchestratorOptions,
  claimed: BatchRecord,
  result: BatchMergeResult,
  outcome: { completed: number; partial: boolean; consolidatedAt: string },
): Promise<void> {
  await options.state.update(claimed.batch_id, (record) => ({
    ...record,
    status: 'consolidated',
    last_error: null,
    consolidation: {
      rows_staged: result.rowsStaged,
      rows_merged: result.batchRows,
      rows_replaced: result.rowsReplaced,
      duplicate_keys: result.duplicateKeys,
      fencing_token: result.fencingToken,
      // A quarantined player (forged, empty or torn staging) counts as missing.
      coverage:
        claimed.players.length === 0 ? 1 : (outcome.completed - result.quarantined.length) / claimed.players.length,
      partial: outcome.partial,
      quarantined: result.quarantined.map((bad) => bad.messageId),
      consolidated_at: outcome.consolidatedAt,
    },
  }));
  // A caller waiting for the end learns it now, not after the announcement and the file's close.
  options.changes.notify([claimed.batch_id]);
}

/** The batch's staged messages merged under the date's consolidation lock. */
export async function mergeStaging(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
  staging: StagingStore,
): Promise<BatchMergeResult> {
  return consolidateBatch({
    batchId: batch.batch_id,
    gameDate: batch.game_date,
    datasetPrefix: batchPrefix(batch),
    expectedMessageIds: Object.values(batch.message_ids),
    expected: await expectedStaging(options, batch),
    staging,
    lock: options.lock,
    lockOptions: CONSOLIDATION_LOCK_DEFAULTS,
    merger: options.warehouse.merger,
  });
}

/** Per published message: its player, and the rows its completion reported (null until it completes). */
async function expectedStaging(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
): Promise<Record<string, ExpectedStaging>> {
  const reported = new Map(
    (await options.state.completions(batch.batch_id)).map((completion) => [
      completion.message_id,
      completion.rows_staged,
    ]),
  );
  return Object.fromEntries(
    Object.entries(batch.message_ids).map(([player, messageId]) => [
      messageId,
      { player, rows: reported.get(messageId) ?? null },
    ]),
  );
}

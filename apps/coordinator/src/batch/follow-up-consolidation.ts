import { LogEvent } from '@props/observability';
import { batchPrefix, type BatchRecord } from '@props/prediction-batch';
import { batchLogContext, type BatchOrchestratorOptions } from './batch-orchestrator-options';
import { mergeStaging } from './batch-consolidation';
import { logLeftOut, type BatchMergeResult } from './consolidation-logs';

/**
 * A batch consolidated with partial coverage merges the players that staged after it (late
 * deliveries of the re-publish) in a follow-up under the same date lock, so no staged row is
 * dropped. Returns what it did, or null when nothing was left staged.
 */
export async function followUpConsolidation(
  options: BatchOrchestratorOptions,
  batchId: string,
): Promise<string | null> {
  const batch = await options.state.get(batchId);
  if (!batch || batch.status !== 'consolidated' || !batch.consolidation?.partial) return null;
  const staging = options.staging(batchPrefix(batch));
  const staged = new Set(await staging.list(batchId));
  if (!Object.values(batch.message_ids).some((messageId) => staged.has(messageId))) return null;
  const result = await mergeStaging(options, batch, staging);
  if (result.rowsStaged === 0) return null;
  const completed = await options.state.completionCount(batchId);
  const context = batchLogContext(batch);
  logLeftOut(options.logger, result, context);
  await options.state.update(batchId, (record) => withFollowUp(record, result, completed));
  options.logger.info(
    { event: LogEvent.consolidationCompleted, ...context, rows_merged: result.rowsMerged, follow_up: true },
    `follow-up consolidation of ${batchId}: ${result.rowsMerged} late rows merged`,
  );
  return `follow-up: merged ${result.rowsMerged} rows staged after the partial consolidation`;
}

/** The header with a follow-up merge added to its consolidation; null (unchanged) when it has none. */
function withFollowUp(record: BatchRecord, result: BatchMergeResult, completed: number): BatchRecord | null {
  if (!record.consolidation) return null;
  const quarantined = [...(record.consolidation.quarantined ?? []), ...result.quarantined.map((bad) => bad.messageId)];
  const covered = completed - quarantined.length;
  return {
    ...record,
    consolidation: {
      ...record.consolidation,
      rows_staged: record.consolidation.rows_staged + result.rowsStaged,
      rows_merged: result.batchRows,
      rows_replaced: record.consolidation.rows_replaced + result.rowsReplaced,
      coverage: record.players.length === 0 ? 1 : covered / record.players.length,
      partial: covered < record.players.length,
      fencing_token: result.fencingToken,
      quarantined,
    },
  };
}

import type { Logger } from '@props/observability';
import { LogEvent } from '@props/observability';
import type { BatchStatusBody } from '@props/contracts';
import type { consolidateBatch } from '@props/consolidation';
import type { BatchLogContext } from './batch-orchestrator-options';

/** What one merge of a batch's staging did. */
export type BatchMergeResult = Awaited<ReturnType<typeof consolidateBatch>>;

/** Above this share of fallback rows a batch raises fallback_share_high (the original alerted at 10%). */
export const MAX_FALLBACK_SHARE = 0.1;

/** Staged messages the merge left out: quarantined rows, and messages the batch never published. */
export function logLeftOut(logger: Logger, result: BatchMergeResult, context: BatchLogContext): void {
  for (const bad of result.quarantined) {
    logger.error(
      { event: LogEvent.stagedMessageQuarantined, ...context, message_id: bad.messageId, reason: bad.reason },
      `staged message ${bad.messageId} quarantined: ${bad.reason}`,
    );
  }
  if (result.unexpectedMessageIds.length > 0) {
    logger.error(
      {
        event: LogEvent.unexpectedStagingIgnored,
        ...context,
        message_ids: result.unexpectedMessageIds.slice(0, 20),
        count: result.unexpectedMessageIds.length,
      },
      `${result.unexpectedMessageIds.length} staged message(s) under ${context.batch_id} were never published by it; left out of the merge`,
    );
  }
}

/** The batch's summary line, and an error when too much of it is fallback predictions. */
export function logSummary(
  logger: Logger,
  status: BatchStatusBody,
  result: BatchMergeResult,
  context: BatchLogContext,
): void {
  const fallbackShare = result.rowsStaged === 0 ? 0 : result.fallbackRows / result.rowsStaged;
  logger.info(
    { event: LogEvent.batchSummary, ...context, ...summaryFields(status), fallback_share: fallbackShare },
    `batch ${context.batch_id} consolidated: ${result.batchRows} rows`,
  );
  if (fallbackShare > MAX_FALLBACK_SHARE) {
    logger.error(
      {
        event: LogEvent.fallbackShareHigh,
        ...context,
        fallback_share: fallbackShare,
        fallback_rows: result.fallbackRows,
      },
      `${(fallbackShare * 100).toFixed(1)}% of the batch are fallback predictions`,
    );
  }
}

function summaryFields(status: BatchStatusBody) {
  return {
    players_expected: status.players_expected,
    players_predicted: status.players_predicted,
    players_skipped: status.players_skipped,
    coverage: status.coverage,
    load_path: status.load.path,
    rows_merged: status.consolidation?.rows_merged,
    duplicate_keys: status.consolidation?.duplicate_keys,
  };
}

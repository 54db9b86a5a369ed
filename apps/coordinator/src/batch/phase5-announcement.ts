import { LogEvent } from '@props/observability';
import { errorMessage, phase5CompletionMessage } from '@props/contracts';
import { batchPrefix, type BatchRecord } from '@props/prediction-batch';
import type { BatchOrchestratorOptions } from './batch-orchestrator-options';

/**
 * Publishes the phase-5 completion the original platform's orchestrator waits for, retrying
 * twice; failing that it logs an alertable event. It never fails the consolidation that happened.
 */
export async function announceBatch(
  options: BatchOrchestratorOptions,
  batch: BatchRecord,
  outcome: { playersCompleted: number; rowsMerged: number; consolidatedAt: string; partial: boolean },
): Promise<void> {
  if (batchPrefix(batch)) return; // A prefixed (test) batch wrote test tables: nothing downstream should export them.
  const message = phase5CompletionMessage({
    batchId: batch.batch_id,
    gameDate: batch.game_date,
    correlationId: batch.correlation_id ?? null,
    triggerSource: batch.trigger_source ?? null,
    playersExpected: batch.players.length,
    playersCompleted: outcome.playersCompleted,
    rowsMerged: outcome.rowsMerged,
    startedAt: batch.created_at,
    consolidatedAt: outcome.consolidatedAt,
    partial: outcome.partial,
  });
  const { publisher, topic } = options.notices;
  const fields = { batch_id: batch.batch_id, game_date: batch.game_date, topic };
  let failure = '';
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      await publisher.publish(topic, message, { messageId: `${batch.batch_id}.complete` });
      options.logger.info(
        { event: LogEvent.phase5CompletionPublished, ...fields, status: message.status },
        `phase-5 completion published to ${topic}`,
      );
      return;
    } catch (error) {
      failure = errorMessage(error);
      if (attempt < 3) await new Promise((resolveWait) => setTimeout(resolveWait, 250 * 4 ** (attempt - 1)));
    }
  }
  options.logger.error(
    { event: LogEvent.phase5CompletionPublishFailed, ...fields, reason: failure },
    `could not publish the phase-5 completion to ${topic} after 3 attempts: ${failure}`,
  );
}

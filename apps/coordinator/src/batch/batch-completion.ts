import { LogEvent } from '@props/observability';
import { errorMessage, type CompletionEvent } from '@props/contracts';
import type { BatchRecord } from '@props/prediction-batch';
import { batchLogContext, type BatchOrchestratorOptions } from './batch-orchestrator-options';
import { consolidateOnce } from './batch-consolidation';
import { followUpConsolidation } from './follow-up-consolidation';

/**
 * Idempotent: a completion for an unknown, finished or foreign player's batch changes nothing.
 * A group's completions (one batch, checked by the contract) are recorded together, and the batch
 * is checked for being whole once.
 */
export async function recordBatchCompletions(
  options: BatchOrchestratorOptions,
  events: readonly CompletionEvent[],
): Promise<Array<'recorded' | 'ignored'>> {
  const batch = await options.state.get(events[0]!.batch_id);
  const outcomes = events.map((event) => {
    const ignored = reasonToIgnore(batch, event.player_lookup);
    if (ignored === null) return 'recorded' as const;
    options.logger.info(
      {
        event: LogEvent.completionIgnored,
        batch_id: event.batch_id,
        player_lookup: event.player_lookup,
        reason: ignored,
      },
      `completion ignored: ${ignored}`,
    );
    return 'ignored' as const;
  });
  const recorded = events.filter((_, index) => outcomes[index] === 'recorded');
  if (!batch || recorded.length === 0) return outcomes;
  const recordedAt = new Date().toISOString();
  await Promise.all(
    recorded.map((event) =>
      options.state.recordCompletion(batch.batch_id, {
        player_lookup: event.player_lookup,
        message_id: event.message_id,
        outcome: event.outcome,
        rows_staged: event.rows_staged,
        skip_reason: event.skip_reason,
        recorded_at: recordedAt,
      }),
    ),
  );
  await consolidateWhenWhole(options, batch);
  return outcomes;
}

async function consolidateWhenWhole(options: BatchOrchestratorOptions, batch: BatchRecord): Promise<void> {
  // A late player of a batch consolidated with partial coverage is merged by a follow-up, never dropped.
  if (batch.status === 'consolidated') {
    await followUpConsolidation(options, batch.batch_id).catch((error: unknown) =>
      options.logger.error(
        { event: LogEvent.consolidationFailed, ...batchLogContext(batch), reason: errorMessage(error) },
        `follow-up consolidation of ${batch.batch_id} failed; the stall check retries it`,
      ),
    );
    return;
  }
  // The completion that makes the batch whole consolidates it before it is answered: Cloud Run
  // gives an instance CPU only while a request is open. A failed consolidation is logged and left
  // running for the stall check; the completion is recorded either way.
  if ((await options.state.completionCount(batch.batch_id)) < batch.players.length) return;
  // Completions that arrive together all find the batch whole. Only the first of this process
  // tries the claim: the others would each take the batch's lock in turn to find it claimed, and
  // hold up the winner's own header updates behind them (docs/performance.md).
  const running = consolidating(options);
  if (running.has(batch.batch_id)) return;
  running.add(batch.batch_id);
  try {
    await consolidateOnce(options, batch.batch_id, false).catch(() => undefined);
  } finally {
    running.delete(batch.batch_id);
  }
}

/** The batches whose completion-triggered consolidation runs in this coordinator now, per coordinator. */
const consolidatingBatches = new WeakMap<BatchOrchestratorOptions, Set<string>>();

function consolidating(options: BatchOrchestratorOptions): Set<string> {
  let running = consolidatingBatches.get(options);
  if (!running) consolidatingBatches.set(options, (running = new Set()));
  return running;
}

function reasonToIgnore(batch: BatchRecord | null, player: string): string | null {
  if (!batch) return 'unknown batch';
  if (batch.status === 'consolidated' && !batch.consolidation?.partial) return 'batch already consolidated';
  if (batch.status === 'superseded') return 'batch superseded by a newer batch of its date';
  if (!batch.players.includes(player)) return 'player is not part of the batch';
  return null;
}

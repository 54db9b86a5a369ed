import { LogEvent } from '@props/observability';
import { batchPrefix, type BatchRecord } from '@props/prediction-batch';
import type { BatchOrchestratorOptions } from './batch-orchestrator-options';

/** Closes a running batch because `newer` replaced it; a batch already merging or merged is left as it is. */
export async function supersedeBatch(options: BatchOrchestratorOptions, batchId: string, newer: string): Promise<void> {
  const closed = await options.state.update(batchId, (record) =>
    record.status === 'running' ? { ...record, status: 'superseded', last_error: `superseded by ${newer}` } : null,
  );
  if (closed)
    options.logger.warn(
      {
        event: LogEvent.batchSuperseded,
        batch_id: batchId,
        game_date: closed.game_date,
        dataset_prefix: batchPrefix(closed),
        superseded_by: newer,
      },
      `batch ${batchId} superseded by ${newer}; it will not be merged`,
    );
}

/** A batch of the same date and prefix started after `batch` that is not itself superseded (ids order as starts). */
export function newerBatchOf(batch: BatchRecord, all: readonly BatchRecord[]): BatchRecord | undefined {
  return all.find(
    (other) =>
      other.game_date === batch.game_date &&
      batchPrefix(other) === batchPrefix(batch) &&
      other.status !== 'superseded' &&
      other.created_at > batch.created_at,
  );
}

import type { BatchStatusBody, CompletionEvent } from '@props/contracts';
import type { BatchOrchestratorOptions } from './batch-orchestrator-options';
import { recordBatchCompletions } from './batch-completion';
import { startBatch, type StartRequest } from './batch-start';
import { batchStatus, batchStatusesOfDate } from './batch-status';
import { checkStalledBatches, type StallCheckRequest } from './batch-stall-check';
import type { StallAction } from './stalled-batch-advance';

export type { BatchOrchestratorOptions } from './batch-orchestrator-options';

/**
 * The coordinator's batch: start (select, load in one query, fan out), record completions
 * idempotently, consolidate exactly once, re-publish stalled players. All state lives in the
 * shared state store, so any coordinator process can answer or finish any batch.
 */
export class BatchOrchestrator {
  constructor(private readonly options: BatchOrchestratorOptions) {}

  start(request: StartRequest): Promise<BatchStatusBody> {
    return startBatch(this.options, request);
  }

  /** Records one message's completions: one player's, or a group's (one batch). */
  complete(events: readonly CompletionEvent[]): Promise<Array<'recorded' | 'ignored'>> {
    return recordBatchCompletions(this.options, events);
  }

  checkStalled(request: StallCheckRequest): Promise<StallAction[]> {
    return checkStalledBatches(this.options, request);
  }

  status(batchId: string): Promise<BatchStatusBody | null> {
    return batchStatus(this.options.state, batchId);
  }

  statusByDate(gameDate: string): Promise<BatchStatusBody[]> {
    return batchStatusesOfDate(this.options.state, gameDate);
  }
}

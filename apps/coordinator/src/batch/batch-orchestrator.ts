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
  async complete(events: readonly CompletionEvent[]): Promise<Array<'recorded' | 'ignored'>> {
    try {
      return await recordBatchCompletions(this.options, events);
    } finally {
      this.options.changes.notify(new Set(events.map((event) => event.batch_id)));
    }
  }

  async checkStalled(request: StallCheckRequest): Promise<StallAction[]> {
    try {
      return await checkStalledBatches(this.options, request);
    } finally {
      this.options.changes.notify('all');
    }
  }

  /**
   * The batch's status; with `waitMs`, a running or consolidating batch's once it changes (its
   * phase or the players pending) or when `waitMs` has passed, so a caller that waits for the
   * end neither polls nor sees it late.
   */
  async status(batchId: string, waitMs = 0): Promise<BatchStatusBody | null> {
    const read = () => batchStatus(this.options.state, batchId);
    return waitMs > 0 ? this.options.changes.statusOnChange(batchId, Date.now() + waitMs, read) : read();
  }

  /** Answers the status requests still waiting (the service is closing). */
  stopWaiting(): void {
    this.options.changes.close();
  }

  statusByDate(gameDate: string): Promise<BatchStatusBody[]> {
    return batchStatusesOfDate(this.options.state, gameDate);
  }
}

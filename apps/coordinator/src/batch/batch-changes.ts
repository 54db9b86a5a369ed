import type { BatchStatusBody } from '@props/contracts';

/**
 * Wakes the status requests that wait for their batch to change (`GET /status/:id?wait_ms=`):
 * every completion and stall check this coordinator finishes may have changed its batches (the
 * completion that makes one whole consolidates it before it returns). A change another
 * coordinator makes wakes nobody here; its waiters answer at their deadline, as a poll would have.
 */
export class BatchChanges {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Bumped by every notify: a read that saw another value may predate the change it announced. */
  private version = 0;
  private closed = false;

  notify(batchIds: Iterable<string> | 'all'): void {
    this.version += 1;
    const ids = batchIds === 'all' ? [...this.waiters.keys()] : batchIds;
    for (const batchId of ids) {
      const waiting = this.waiters.get(batchId);
      this.waiters.delete(batchId);
      for (const wake of waiting ?? []) wake();
    }
  }

  /** Answers every waiter now (the service is closing: nothing keeps it waiting). */
  close(): void {
    this.closed = true;
    this.notify('all');
  }

  /**
   * The batch's status; a running or consolidating batch's once it differs from that (its phase
   * or the players still pending), or at `deadline` (epoch ms) as it is then; null when there is
   * no such batch.
   */
  async statusOnChange(
    batchId: string,
    deadline: number,
    read: () => Promise<BatchStatusBody | null>,
  ): Promise<BatchStatusBody | null> {
    let readAt = this.version;
    const first = await read();
    if (!first || (first.status !== 'running' && first.status !== 'consolidating')) return first;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return read();
      // A notify during the last read may not show in what it returned: then read again at once.
      if (readAt === this.version) await this.next(batchId, left);
      readAt = this.version;
      const now = await read();
      if (!now || now.status !== first.status || now.players_pending !== first.players_pending) return now;
    }
  }

  private next(batchId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(batchId);
      if (!waiting) this.waiters.set(batchId, (waiting = new Set()));
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(batchId) === waiting) this.waiters.delete(batchId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });
  }
}

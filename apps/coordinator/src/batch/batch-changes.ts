import type { BatchStatusBody } from '@props/contracts';

/**
 * Wakes the status requests that wait for their batch to change (`GET /status/:id?wait_ms=`):
 * every completion and stall check this coordinator finishes may have changed a batch (the one
 * that makes it whole consolidates it before it returns). A change another coordinator makes
 * wakes nobody here; its waiters answer at their deadline, as a poll would have.
 */
export class BatchChanges {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiting = this.waiters;
    this.waiters = new Set();
    for (const wake of waiting) wake();
  }

  /**
   * The batch's status once it differs from `seen` (its phase or the players still pending), or
   * at `deadline` (epoch ms) as it is then; null once the batch is gone.
   */
  async changedFrom(
    seen: BatchStatusBody,
    deadline: number,
    read: () => Promise<BatchStatusBody | null>,
  ): Promise<BatchStatusBody | null> {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return read();
      await this.next(left);
      const now = await read();
      if (!now || now.status !== seen.status || now.players_pending !== seen.players_pending) return now;
    }
  }

  private next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }
}

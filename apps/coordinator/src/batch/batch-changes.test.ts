import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchStatusBody } from '@props/contracts';
import { BatchChanges } from './batch-changes';

const status = (phase: BatchStatusBody['status'], pending: number) =>
  ({ status: phase, players_pending: pending }) as BatchStatusBody;

describe('waiting for a batch to change', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('wakes at a change, keeps waiting through a notify that changed nothing, and answers at the deadline', async () => {
    const changes = new BatchChanges();
    let current = status('running', 10);
    const settled = vi.fn();
    const answer = changes.changedFrom(current, Date.now() + 5_000, async () => current).then(settled);
    await vi.advanceTimersByTimeAsync(0);
    changes.notify();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).not.toHaveBeenCalled();
    current = status('running', 9);
    changes.notify();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalledWith(status('running', 9));
    await answer;

    const atDeadline = changes.changedFrom(current, Date.now() + 5_000, async () => current);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await atDeadline).toEqual(status('running', 9));
    current = status('consolidated', 0);
    const consolidated = changes.changedFrom(status('running', 9), Date.now() + 5_000, async () => current);
    await vi.advanceTimersByTimeAsync(0);
    changes.notify();
    expect(await consolidated).toEqual(status('consolidated', 0));
  });
});

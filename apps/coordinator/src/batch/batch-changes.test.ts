import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchStatusBody } from '@props/contracts';
import { BatchChanges } from './batch-changes';

const status = (phase: BatchStatusBody['status'], pending: number) =>
  ({ status: phase, players_pending: pending }) as BatchStatusBody;

describe('waiting for a batch to change', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("wakes at its batch's change, keeps waiting through a notify that changed nothing or another batch, and answers at the deadline", async () => {
    const changes = new BatchChanges();
    let current = status('running', 10);
    const settled = vi.fn();
    const read = vi.fn(async () => current);
    const answer = changes.statusOnChange('b1', Date.now() + 5_000, read).then(settled);
    await vi.advanceTimersByTimeAsync(0);
    changes.notify(['b1']);
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(2);
    // Another batch's change does not even read this one's status again.
    changes.notify(['b2']);
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(2);
    expect(settled).not.toHaveBeenCalled();
    current = status('running', 9);
    changes.notify(['b1']);
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalledWith(status('running', 9));
    await answer;

    const atDeadline = changes.statusOnChange('b1', Date.now() + 5_000, async () => current);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await atDeadline).toEqual(status('running', 9));
    current = status('consolidated', 0);
    expect(await changes.statusOnChange('b1', Date.now() + 5_000, async () => current)).toEqual(current);
  });

  it('a change announced while the status is being read is not slept through', async () => {
    const changes = new BatchChanges();
    let current = status('running', 10);
    // The read takes its snapshot, then the change lands and is announced before the read returns.
    const read = async () => {
      const snapshot = current;
      current = status('consolidated', 0);
      changes.notify(['b1']);
      return snapshot;
    };
    const answer = changes.statusOnChange('b1', Date.now() + 5_000, read);
    await vi.advanceTimersByTimeAsync(0);
    expect(await answer).toEqual(status('consolidated', 0));
  });

  it('answers every waiter once closed', async () => {
    const changes = new BatchChanges();
    const answer = changes.statusOnChange('b1', Date.now() + 5_000, async () => status('running', 3));
    await vi.advanceTimersByTimeAsync(0);
    changes.close();
    expect(await answer).toEqual(status('running', 3));
  });
});

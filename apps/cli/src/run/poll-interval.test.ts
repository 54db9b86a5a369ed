import { describe, expect, it } from 'vitest';
import type { BatchStatusBody } from '@props/contracts';
import { FAST_POLL_MS, SLOW_POLL_MS, nextPollMs } from './poll-interval';

const status = (phase: BatchStatusBody['status'], expected: number, pending: number) =>
  ({ status: phase, players_expected: expected, players_pending: pending }) as BatchStatusBody;

describe('the pace of props run status polls', () => {
  it('polls slowly while the pending players take longer than a slow poll at the pace so far', () => {
    expect(nextPollMs(status('running', 235, 235), 500)).toBe(SLOW_POLL_MS);
    // 35 done in 300 ms: the other 200 are due in about 1.7 s.
    expect(nextPollMs(status('running', 235, 200), 300)).toBe(SLOW_POLL_MS);
  });

  it('polls fast once the last players are due within a slow poll, and while consolidating', () => {
    // 225 done in 1.2 s: the last 10 are due in about 53 ms.
    expect(nextPollMs(status('running', 235, 10), 1_200)).toBe(FAST_POLL_MS);
    expect(nextPollMs(status('running', 235, 0), 1_300)).toBe(FAST_POLL_MS);
    expect(nextPollMs(status('consolidating', 235, 0), 1_300)).toBe(FAST_POLL_MS);
  });
});

import type { BatchStatusBody } from '@props/contracts';

/** Between two status polls while the batch is far from done. */
export const SLOW_POLL_MS = 200;
/**
 * Between two status polls once it may be consolidated within SLOW_POLL_MS: bounds how late
 * `props run` sees it. Each poll costs the coordinator about 2 ms of CPU (it lists and stamps
 * the completions), taken from its merge when polls come every 20 ms.
 */
export const FAST_POLL_MS = 50;

/**
 * How long to wait before the next status poll: slow while the players still pending will take
 * longer than a slow poll at the pace the batch has kept so far, fast once it is consolidating or
 * its last players are due, so the batch's duration ends within FAST_POLL_MS of its
 * consolidation instead of up to SLOW_POLL_MS after it.
 */
export function nextPollMs(status: BatchStatusBody, elapsedMs: number): number {
  if (status.status !== 'running') return FAST_POLL_MS;
  const done = status.players_expected - status.players_pending;
  if (done <= 0) return SLOW_POLL_MS;
  const dueInMs = (status.players_pending * elapsedMs) / done;
  return dueInMs <= SLOW_POLL_MS ? FAST_POLL_MS : SLOW_POLL_MS;
}

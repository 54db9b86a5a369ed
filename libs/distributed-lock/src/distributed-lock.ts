import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LeaseLostError, LockTimeoutError, type Lease, type LockBackend } from './lease';
import { validateAcquireOptions, validateDuration, validateKey, type AcquireOptions } from './lock-arguments';

/**
 * A consolidation's lease is short and renewed every third of it while the merge runs, so a holder
 * that dies frees the date within 30 s; a waiting consolidation gives up after two minutes.
 */
export const CONSOLIDATION_LOCK_DEFAULTS: AcquireOptions = {
  leaseMs: 30_000,
  maxWaitMs: 120_000,
  retryIntervalMs: 200,
};

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const jittered = (ms: number) => ms * (0.75 + Math.random() * 0.5);

export interface LockedWork {
  lease: Lease;
  /** Aborted when a renewal fails: the work must stop writing under this token. */
  signal: AbortSignal;
}

/** Lease locks with fencing tokens over a backend (Firestore in production, local files locally). */
export class DistributedLock {
  readonly holderId: string;

  constructor(
    private readonly backend: LockBackend,
    holderId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  ) {
    this.holderId = holderId;
  }

  async acquire(key: string, options: AcquireOptions = CONSOLIDATION_LOCK_DEFAULTS): Promise<Lease> {
    validateKey(key);
    validateAcquireOptions(options);
    const started = Date.now();
    for (;;) {
      const lease = await this.backend.tryAcquire(key, this.holderId, options.leaseMs);
      if (lease) return lease;
      const waited = Date.now() - started;
      if (waited >= options.maxWaitMs) throw new LockTimeoutError(key, waited);
      await sleep(Math.min(jittered(options.retryIntervalMs), Math.max(1, options.maxWaitMs - waited)));
    }
  }

  renew(lease: Lease, leaseMs: number): Promise<Lease> {
    validateDuration('leaseMs', leaseMs);
    return this.backend.renew(lease, leaseMs);
  }

  release(lease: Lease): Promise<void> {
    return this.backend.release(lease);
  }

  /**
   * Runs `work` holding `key`: renews every third of the lease while it runs, hands it the lease
   * (and its fencing token) and a signal that aborts if the lease is lost, and releases in every
   * outcome. A lost lease makes the call fail with LeaseLostError even if `work` finished.
   */
  async withLock<T>(key: string, options: AcquireOptions, work: (locked: LockedWork) => Promise<T>): Promise<T> {
    let lease = await this.acquire(key, options);
    const controller = new AbortController();
    let lost: LeaseLostError | undefined;
    let renewing = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = this.backend.renew(lease, options.leaseMs).then(
          (renewed) => {
            lease = renewed;
          },
          (error: unknown) => {
            lost = error instanceof LeaseLostError ? error : new LeaseLostError(lease, String(error));
            clearInterval(timer);
            controller.abort(lost);
          },
        );
      },
      Math.max(1, Math.floor(options.leaseMs / 3)),
    );
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await work({ lease, signal: controller.signal }) };
    } catch (error) {
      outcome = { error };
    }
    clearInterval(timer);
    await renewing;
    if (lost) throw lost;
    await this.backend.release(lease);
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}

import { ServiceError } from '@props/contracts';
/** A held lock: who holds which key until when, and the fencing token that orders holders. */
export interface Lease {
  key: string;
  holderId: string;
  /** Strictly increases per key across all holders; a protected write rejects older tokens. */
  token: number;
  /** Epoch milliseconds; the lease is void from this instant on unless renewed before it. */
  expiresAt: number;
}

/** What a storage backend provides; each operation is atomic on its own. */
export interface LockBackend {
  readonly name: string;
  /** Takes the key if it is free, expired or released; otherwise null. */
  tryAcquire(key: string, holderId: string, leaseMs: number): Promise<Lease | null>;
  /** Extends a lease still held; throws LeaseLostError when it is not. */
  renew(lease: Lease, leaseMs: number): Promise<Lease>;
  /** Frees a lease still held; throws LeaseLostError when it is not. */
  release(lease: Lease): Promise<void>;
}

export class LockTimeoutError extends ServiceError {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly key: string,
    readonly waitedMs: number,
  ) {
    super('lock_busy', `lock "${key}": still held by another holder after waiting ${waitedMs} ms`);
  }
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly lease: Lease,
    reason: string,
  ) {
    super(`lock "${lease.key}" (token ${lease.token}, holder ${lease.holderId}): lease lost: ${reason}`);
  }
}

export class LockArgumentError extends Error {
  override readonly name = 'LockArgumentError';
  constructor(
    readonly argument: string,
    problem: string,
  ) {
    super(`lock ${argument}: ${problem}`);
  }
}

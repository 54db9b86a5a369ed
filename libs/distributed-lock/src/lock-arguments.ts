import { LockArgumentError } from './lease';

/** Keys every backend can store as they are: a Firestore document id and a file name alike. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
export const MAX_KEY_LENGTH = 200;

export function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new LockArgumentError('key', 'is empty');
  if (key.length > MAX_KEY_LENGTH)
    throw new LockArgumentError('key', `is ${key.length} characters; at most ${MAX_KEY_LENGTH}`);
  if (!KEY_PATTERN.test(key)) {
    throw new LockArgumentError(
      'key',
      `"${key}" has characters a backend cannot store; use letters, digits, _ . : - (starting with a letter or digit)`,
    );
  }
}

export function validateDuration(name: string, value: number, { allowZero = false } = {}): void {
  if (!Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    throw new LockArgumentError(
      name,
      `must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds, got ${value}`,
    );
  }
}

export interface AcquireOptions {
  /** How long a lease lasts unless renewed (ms). */
  leaseMs: number;
  /** How long to wait for a held lock before LockTimeoutError (ms); 0 tries once. */
  maxWaitMs: number;
  /** Pause between attempts (ms); each pause gets up to ±25% jitter. */
  retryIntervalMs: number;
}

export function validateAcquireOptions(options: AcquireOptions): void {
  validateDuration('leaseMs', options.leaseMs);
  validateDuration('maxWaitMs', options.maxWaitMs, { allowZero: true });
  validateDuration('retryIntervalMs', options.retryIntervalMs);
  if (options.leaseMs < options.retryIntervalMs) {
    throw new LockArgumentError(
      'leaseMs',
      `(${options.leaseMs} ms) is shorter than retryIntervalMs (${options.retryIntervalMs} ms); the lease would lapse between renewals`,
    );
  }
}

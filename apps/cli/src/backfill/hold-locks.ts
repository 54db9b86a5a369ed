import { LockTimeoutError, type AcquireOptions, type DistributedLock } from '@props/distributed-lock';

/**
 * Runs `work` holding every key it could acquire, one after another (each renewed while held, all
 * released in every outcome); a key still busy after the options' wait is handed to `work` as
 * refused instead. Resolves with the fencing token of each held key.
 */
export async function holdLocks<T>(
  lock: DistributedLock,
  keys: readonly string[],
  options: AcquireOptions,
  work: (tokens: ReadonlyMap<string, number>, refused: ReadonlyMap<string, LockTimeoutError>) => Promise<T>,
  tokens = new Map<string, number>(),
  refused = new Map<string, LockTimeoutError>(),
): Promise<T> {
  const [key, ...rest] = keys;
  if (key === undefined) return work(tokens, refused);
  try {
    return await lock.withLock(key, options, ({ lease }) => {
      tokens.set(key, lease.token);
      return holdLocks(lock, rest, options, work, tokens, refused);
    });
  } catch (error) {
    // Only this key's own wait is a refusal; anything from inside the work goes to the caller.
    if (!(error instanceof LockTimeoutError) || tokens.has(key) || error.key !== key) throw error;
    refused.set(key, error);
    return holdLocks(lock, rest, options, work, tokens, refused);
  }
}

import { LockTimeoutError, type AcquireOptions, type DistributedLock, type Lease } from '@props/distributed-lock';

/** A key held (and renewed) by `withLock` until `release`, which resolves once it is freed. */
interface HeldKey {
  lease: Lease;
  /** Rejects with LeaseLostError if the lease was lost meanwhile. */
  release(): Promise<void>;
}

/**
 * Runs `work` holding every key it could acquire (each renewed while held, all released side by
 * side in every outcome); a key still busy after the options' wait is handed to `work` as refused
 * instead. Resolves with the fencing token of each held key.
 *
 * All keys are first tried at once without waiting: one round of lease writes instead of one per
 * key (each is a durable file write locally; docs/performance.md). If any is busy, the keys taken
 * are released and all are taken one after another in their order, each waited for per the
 * options, so no wait ever happens while holding a key taken out of that order.
 */
export async function holdLocks<T>(
  lock: DistributedLock,
  keys: readonly string[],
  options: AcquireOptions,
  work: (tokens: ReadonlyMap<string, number>, refused: ReadonlyMap<string, LockTimeoutError>) => Promise<T>,
): Promise<T> {
  const held = new Map<string, HeldKey>();
  const refused = new Map<string, LockTimeoutError>();
  try {
    if (!(await tryAll(lock, keys, options, held))) await takeInOrder(lock, keys, options, held, refused);
    return await work(new Map([...held].map(([key, { lease }]) => [key, lease.token])), refused);
  } finally {
    // A lost lease fails the call even if `work` finished (or failed otherwise), as withLock does.
    await releaseAll(held);
  }
}

/** Every key at once, none waited for; all held, or none (any taken are released) and false. */
async function tryAll(
  lock: DistributedLock,
  keys: readonly string[],
  options: AcquireOptions,
  held: Map<string, HeldKey>,
): Promise<boolean> {
  const tries = await Promise.allSettled(keys.map((key) => takeKey(lock, key, { ...options, maxWaitMs: 0 })));
  tries.forEach((tried, index) => tried.status === 'fulfilled' && held.set(keys[index]!, tried.value));
  if (held.size === keys.length) return true;
  await releaseAll(held);
  const failed = tries.find((tried) => tried.status === 'rejected' && !(tried.reason instanceof LockTimeoutError));
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return false;
}

async function takeInOrder(
  lock: DistributedLock,
  keys: readonly string[],
  options: AcquireOptions,
  held: Map<string, HeldKey>,
  refused: Map<string, LockTimeoutError>,
): Promise<void> {
  for (const key of keys) {
    try {
      held.set(key, await takeKey(lock, key, options));
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error;
      refused.set(key, error);
    }
  }
}

/** Resolves once `key` is held; rejects if it could not be acquired (LockTimeoutError when busy). */
function takeKey(lock: DistributedLock, key: string, options: AcquireOptions): Promise<HeldKey> {
  let letGo!: () => void;
  const released = new Promise<void>((resolveRelease) => (letGo = resolveRelease));
  return new Promise<HeldKey>((resolveHeld, rejectHeld) => {
    const holding: Promise<void> = lock.withLock(key, options, ({ lease }) => {
      resolveHeld({ lease, release: () => (letGo(), holding) });
      return released;
    });
    // Before the key is held this is its acquisition's failure; after, release() hands it on.
    holding.catch(rejectHeld);
  });
}

/** Releases every held key side by side; rejects with the first (in key order) that failed. */
async function releaseAll(held: Map<string, HeldKey>): Promise<void> {
  const releases = [...held.values()].map((key) => key.release());
  held.clear();
  const failed = (await Promise.allSettled(releases)).find((settled) => settled.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  DistributedLock,
  LeaseLostError,
  LocalLockBackend,
  LockTimeoutError,
  type AcquireOptions,
  type LockBackend,
} from '@props/distributed-lock';
import { holdLocks } from './hold-locks';

// holdLocks over real lease files: all keys tried at once, released side by side, and with a busy
// key nothing tried kept while the keys are taken again in order.
const OPTIONS: AcquireOptions = { leaseMs: 30_000, maxWaitMs: 400, retryIntervalMs: 20 };
const KEYS = ['key-a', 'key-b', 'key-c'];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'props-hold-locks-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The newest lease file of `key` on disk. */
function newestLease(key: string): { holderId: string; token: number; released: boolean } {
  const names = readdirSync(join(root, key)).filter((name) => name.startsWith('lease-'));
  const newest = names.sort().at(-1)!;
  return JSON.parse(readFileSync(join(root, key, newest), 'utf8'));
}

const heldBy = (key: string, holderId: string) => {
  const lease = newestLease(key);
  return !lease.released && lease.holderId === holderId;
};

/** The real local backend, counting how many of its acquisitions and releases run at once. */
function overlapCounting(backend: LockBackend, onTry: (key: string) => void = () => {}) {
  const most = { acquiring: 0, releasing: 0 };
  const now = { acquiring: 0, releasing: 0 };
  const counted = async <T>(kind: 'acquiring' | 'releasing', step: () => Promise<T>): Promise<T> => {
    now[kind] += 1;
    most[kind] = Math.max(most[kind], now[kind]);
    try {
      return await step();
    } finally {
      now[kind] -= 1;
    }
  };
  const wrapped: LockBackend = {
    name: backend.name,
    tryAcquire: (key, holderId, leaseMs) => {
      onTry(key);
      return counted('acquiring', () => backend.tryAcquire(key, holderId, leaseMs));
    },
    renew: (lease, leaseMs) => backend.renew(lease, leaseMs),
    release: (lease) => counted('releasing', () => backend.release(lease)),
  };
  return { wrapped, most };
}

it('takes free keys all at once, hands their tokens to the work and releases them all side by side', async () => {
  // Each key taken and released once before, so the tokens the work sees are the next ones.
  const earlier = new DistributedLock(new LocalLockBackend(root), 'earlier');
  for (const key of KEYS) await earlier.release(await earlier.acquire(key, OPTIONS));
  const { wrapped, most } = overlapCounting(new LocalLockBackend(root));
  const lock = new DistributedLock(wrapped, 'backfill');

  const seen = await holdLocks(lock, KEYS, OPTIONS, async (tokens, refused) => {
    expect(KEYS.every((key) => heldBy(key, 'backfill'))).toBe(true);
    return { tokens: [...tokens], refused: [...refused.keys()] };
  });

  expect(seen).toEqual({ tokens: KEYS.map((key) => [key, 2]), refused: [] });
  expect(KEYS.map((key) => newestLease(key))).toEqual(
    KEYS.map(() => ({ holderId: 'backfill', token: 2, released: true, expiresAt: expect.any(Number) })),
  );
  expect(most).toEqual({ acquiring: KEYS.length, releasing: KEYS.length });
});

it('with a key busy, keeps none of the keys tried while it waits, then refuses that key and holds the rest', async () => {
  const other = new DistributedLock(new LocalLockBackend(root), 'daily');
  await other.acquire('key-a', OPTIONS);
  const heldWhileWaiting: string[] = [];
  let triesOfBusyKey = 0;
  const { wrapped } = overlapCounting(new LocalLockBackend(root), (key) => {
    if (key !== 'key-a' || ++triesOfBusyKey === 1) return;
    // A retry of the busy key: its wait, which must not hold the keys taken beside it.
    heldWhileWaiting.push(...KEYS.filter((held) => heldBy(held, 'backfill')));
  });
  const lock = new DistributedLock(wrapped, 'backfill');

  const seen = await holdLocks(lock, KEYS, OPTIONS, async (tokens, refused) => {
    expect(KEYS.map((key) => heldBy(key, 'backfill'))).toEqual([false, true, true]);
    return { tokens: [...tokens], refused: [...refused] };
  });

  expect(triesOfBusyKey).toBeGreaterThan(2);
  expect(heldWhileWaiting).toEqual([]);
  // key-b and key-c were taken by the try (token 1) and released before being taken again.
  expect(seen.tokens).toEqual([
    ['key-b', 2],
    ['key-c', 2],
  ]);
  expect(seen.refused).toEqual([['key-a', expect.any(LockTimeoutError)]]);
  const [, refusal] = seen.refused[0]!;
  expect(refusal.key).toBe('key-a');
  expect(refusal.waitedMs).toBeGreaterThanOrEqual(OPTIONS.maxWaitMs);
  expect(['key-b', 'key-c'].map((key) => newestLease(key).released)).toEqual([true, true]);
  expect(newestLease('key-a')).toMatchObject({ holderId: 'daily', released: false });
});

it('releases every key when the work throws, whether the keys were taken at once or in order', async () => {
  const lock = new DistributedLock(new LocalLockBackend(root), 'backfill');
  const failing = async () => {
    expect(KEYS.filter((key) => heldBy(key, 'backfill')).length).toBeGreaterThan(0);
    throw new Error('merge failed');
  };
  await expect(holdLocks(lock, KEYS, OPTIONS, failing)).rejects.toThrow('merge failed');
  expect(KEYS.map((key) => newestLease(key).released)).toEqual([true, true, true]);

  await new DistributedLock(new LocalLockBackend(root), 'daily').acquire('key-c', OPTIONS);
  await expect(holdLocks(lock, KEYS, OPTIONS, failing)).rejects.toThrow('merge failed');
  expect(['key-a', 'key-b'].map((key) => newestLease(key))).toMatchObject([
    { holderId: 'backfill', released: true },
    { holderId: 'backfill', released: true },
  ]);
});

it('fails with the lost lease when one is lost while held, and still releases the other keys', async () => {
  const lock = new DistributedLock(new LocalLockBackend(root), 'backfill');
  const outcome = holdLocks(lock, KEYS, OPTIONS, async () => {
    // Another holder's newer token on disk: key-b's lease is no longer ours.
    const stolen = { holderId: 'daily', token: 2, expiresAt: Date.now() + 30_000, released: false };
    writeFileSync(join(root, 'key-b', 'lease-000000000002.json'), JSON.stringify(stolen));
    return 'merged';
  });
  await expect(outcome).rejects.toThrow(LeaseLostError);
  await expect(outcome).rejects.toThrow('lock "key-b"');
  expect(['key-a', 'key-c'].map((key) => newestLease(key))).toMatchObject([
    { holderId: 'backfill', released: true },
    { holderId: 'backfill', released: true },
  ]);
});

/** The real local backend whose acquisition of `failingKey` fails the way a backend outage does, when `failing()` says so. */
function failingOn(failingKey: string, failing: () => boolean = () => true): LockBackend {
  const backend = new LocalLockBackend(root);
  return {
    name: backend.name,
    tryAcquire: (key, holderId, leaseMs) =>
      key === failingKey && failing()
        ? Promise.reject(new Error('backend down'))
        : backend.tryAcquire(key, holderId, leaseMs),
    renew: (lease, leaseMs) => backend.renew(lease, leaseMs),
    release: (lease) => backend.release(lease),
  };
}

it('an acquisition that fails otherwise than busy fails the call, not a refusal, and releases the keys taken beside it', async () => {
  const lock = new DistributedLock(failingOn('key-b'), 'backfill');
  const work = async () => 'merged';
  await expect(holdLocks(lock, KEYS, OPTIONS, work)).rejects.toThrow('backend down');
  expect(['key-a', 'key-c'].map((key) => newestLease(key))).toMatchObject([
    { holderId: 'backfill', released: true },
    { holderId: 'backfill', released: true },
  ]);
});

it('an acquisition that fails otherwise than busy while the keys are taken in order fails the call and releases the keys taken before it', async () => {
  await new DistributedLock(new LocalLockBackend(root), 'daily').acquire('key-a', OPTIONS);
  // key-c fails only after the first try, when the keys are taken one after another.
  let triesOfKeyC = 0;
  const lock = new DistributedLock(
    failingOn('key-c', () => ++triesOfKeyC > 1),
    'backfill',
  );
  await expect(holdLocks(lock, KEYS, OPTIONS, async () => 'merged')).rejects.toThrow('backend down');
  expect(triesOfKeyC).toBe(2);
  expect(newestLease('key-b')).toMatchObject({ holderId: 'backfill', released: true });
  expect(newestLease('key-a')).toMatchObject({ holderId: 'daily', released: false });
});

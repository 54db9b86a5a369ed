import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { DistributedLock, FirestoreLockBackend, LeaseLostError } from '../index';

const skipReason = emulatorUnavailable('firestore');
if (skipReason && process.env.PROPS_REQUIRE_EMULATORS === 'true')
  throw new Error(`PROPS_REQUIRE_EMULATORS is set but ${skipReason}`);
if (skipReason) console.warn(`SKIPPED Firestore lock document shapes (contract): ${skipReason}`);

describe.skipIf(Boolean(skipReason))('Firestore lock documents of the wrong shape (contract)', () => {
  let emulator: RunningEmulator;
  let firestore: Firestore;

  beforeAll(async () => {
    emulator = await startEmulator('firestore');
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    firestore = new Firestore({ projectId: 'props-lock-shapes' });
  }, 90_000);
  afterAll(async () => {
    await firestore?.terminate();
    await emulator?.stop();
  });

  it('are reported with their path and read as expired: the key is taken at once, the token keeps increasing', async () => {
    const collection = `locks_${Math.random().toString(36).slice(2)}`;
    const reported: string[] = [];
    const lock = (holder: string) =>
      new DistributedLock(
        new FirestoreLockBackend(firestore, collection, (path, reason) => reported.push(`${path}: ${reason}`)),
        holder,
      );
    const options = { leaseMs: 60_000, maxWaitMs: 0, retryIntervalMs: 10 };
    const held = Date.now() + 3_600_000;
    const shapes: Array<[string, Record<string, unknown>, string]> = [
      ['a string expiry', { token: 7, expires_at: '2999-01-01', released: false }, 'expires_at: expected a timestamp'],
      ['a string token', { token: '7', expires_at_ms: held, released: false }, 'token: expected an integer'],
      [
        'a numeric expiry in expires_at_ms as text',
        { expires_at_ms: 'soon', released: false },
        'expires_at_ms: expected milliseconds',
      ],
      [
        'a released flag as text',
        { token: 9, expires_at_ms: held, released: 'no' },
        'released: expected true or false',
      ],
      [
        'a holder that is a number',
        { token: 11, expires_at: Timestamp.fromMillis(held), holder_id: 5 },
        'holder_id: expected a string or null',
      ],
    ];
    for (const [label, shape, problem] of shapes) {
      const key = `grading_2025-03-${String(shapes.findIndex(([name]) => name === label) + 10)}`;
      await firestore.collection(collection).doc(key).set(shape);
      const lease = await lock(`holder-${label}`).acquire(key, options);
      const stored = typeof shape.token === 'number' ? shape.token : undefined;
      if (stored !== undefined) expect(lease.token, label).toBe(stored + 1);
      expect(reported.at(-1), label).toContain(`${collection}/${key}: not a lock document: ${problem}`);
    }
    expect(reported).toHaveLength(shapes.length);

    // A holder whose document was overwritten with the wrong shape has lost its lease: renew says so.
    const key = 'grading_2025-04-01';
    const holder = lock('holder-renew');
    const lease = await holder.acquire(key, options);
    await firestore.collection(collection).doc(key).set({ token: 'x' });
    await expect(holder.renew(lease, 60_000)).rejects.toThrow(LeaseLostError);
  });
});

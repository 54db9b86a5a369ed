import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { DistributedLock, FirestoreLockBackend, LockTimeoutError } from '../index';

const skipReason = emulatorUnavailable('firestore');
if (skipReason && process.env.PROPS_REQUIRE_EMULATORS === 'true')
  throw new Error(`PROPS_REQUIRE_EMULATORS is set but ${skipReason}`);

/** What the original platform's Python lock writes (predictions/worker/distributed_lock.py `_try_acquire`). */
const pythonLock = (lockType: string, gameDate: string, expiresInMs: number) => ({
  operation_id: 'python-grading',
  holder_id: 'python-grading',
  lock_type: lockType,
  acquired_at: Timestamp.now(),
  expires_at: Timestamp.fromMillis(Date.now() + expiresInMs),
  lock_key: `${lockType}_${gameDate}`,
});

/** The Python side's test: the lock is held while the document exists and `expires_at` is ahead. */
const pythonSeesHeld = (document: FirebaseFirestore.DocumentData | undefined) =>
  document !== undefined && (document.expires_at as Timestamp).toMillis() > Date.now();

describe.skipIf(Boolean(skipReason))(
  "Firestore locks shared with the original platform's Python processors during the cutover",
  () => {
    let emulator: RunningEmulator;
    let firestore: Firestore;

    beforeAll(async () => {
      emulator = await startEmulator('firestore');
      process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
      firestore = new Firestore({ projectId: 'props-python-locks' });
    }, 90_000);
    afterAll(async () => {
      await firestore?.terminate();
      await emulator?.stop();
    });

    it.each([
      ['consolidation_locks', 'consolidation'],
      ['grading_locks', 'grading'],
    ])(
      "%s: a live Python lock is honoured, a lock taken here is one Python honours, and tokens keep increasing across Python's deletes",
      async (collection, lockType) => {
        const key = `${lockType}_2025-03-15`;
        const lock = new DistributedLock(new FirestoreLockBackend(firestore, collection), 'coordinator-a');
        const document = firestore.collection(collection).doc(key);
        const once = { leaseMs: 30_000, maxWaitMs: 0, retryIntervalMs: 100 };

        const first = await lock.acquire(key, once);
        const written = (await document.get()).data();
        expect(written).toMatchObject({
          lock_type: lockType,
          lock_key: key,
          holder_id: 'coordinator-a',
          operation_id: 'coordinator-a',
        });
        expect(pythonSeesHeld(written)).toBe(true);
        await lock.release(first);
        expect(pythonSeesHeld((await document.get()).data())).toBe(false);

        // Python takes the date (overwriting the document in its own shape): this side waits.
        await document.set(pythonLock(lockType, '2025-03-15', 60_000));
        await expect(lock.acquire(key, once)).rejects.toThrow(LockTimeoutError);
        // Python releases by deleting the document; the next lease here gets a newer fencing token.
        await document.delete();
        const second = await lock.acquire(key, once);
        expect(second.token).toBeGreaterThan(first.token);
        await lock.release(second);

        // A Python lock that expired (its process crashed) is taken over.
        await document.set(pythonLock(lockType, '2025-03-15', -1_000));
        const third = await lock.acquire(key, once);
        expect(third.token).toBeGreaterThan(second.token);
        await lock.release(third);
      },
      60_000,
    );
  },
);

import { Firestore } from '@google-cloud/firestore';
import { FirestoreLockBackend, LocalLockBackend, type LockBackend } from '../index';

/** Builds the backend a contract test or a contender process names. */
export function lockBackendFor(kind: string, setting: string): LockBackend {
  if (kind === 'local') return new LocalLockBackend(setting);
  if (kind === 'firestore') {
    process.env.FIRESTORE_EMULATOR_HOST = setting;
    return new FirestoreLockBackend(
      new Firestore({ projectId: 'props-lock-test' }),
      `locks_${process.env.LOCK_COLLECTION_SUFFIX ?? 'test'}`,
    );
  }
  throw new Error(`unknown lock backend ${kind}`);
}

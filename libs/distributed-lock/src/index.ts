export { DistributedLock, CONSOLIDATION_LOCK_DEFAULTS, type LockedWork } from './distributed-lock';
export { LockTimeoutError, LeaseLostError, LockArgumentError, type Lease, type LockBackend } from './lease';
export { MAX_KEY_LENGTH, type AcquireOptions } from './lock-arguments';
export { LocalLockBackend } from './local/local-lock-backend';
export { FirestoreLockBackend } from './gcp/firestore-lock-backend';

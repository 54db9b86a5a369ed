import { FieldValue, Timestamp, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import { LeaseLostError, type Lease, type LockBackend } from '../lease';

const ABORTED = 10;

interface LockDocument {
  key: string;
  holder_id: string | null;
  token: number;
  expires_at_ms: number;
  released: boolean;
}

/**
 * Locks in Firestore: one document per key, changed only inside transactions. The document
 * survives release, so its `token` counter keeps increasing across every holder of the key.
 */
export class FirestoreLockBackend implements LockBackend {
  readonly name = 'firestore';

  constructor(
    private readonly firestore: Firestore,
    private readonly collection = 'consolidation_locks',
  ) {}

  async tryAcquire(key: string, holderId: string, leaseMs: number): Promise<Lease | null> {
    const ref = this.firestore.collection(this.collection).doc(key);
    try {
      return await this.acquireInTransaction(ref, key, holderId, leaseMs);
    } catch (error) {
      // ABORTED: the transaction lost to a concurrent one on the same document, i.e. contention.
      if ((error as { code?: number }).code === ABORTED) return null;
      throw error;
    }
  }

  private acquireInTransaction(ref: DocumentReference, key: string, holderId: string, leaseMs: number): Promise<Lease | null> {
    return this.firestore.runTransaction(async (transaction) => {
      const current = (await transaction.get(ref)).data() as LockDocument | undefined;
      const now = Date.now();
      if (current && !current.released && current.expires_at_ms > now) return null;
      const token = (current?.token ?? 0) + 1;
      const expiresAt = now + leaseMs;
      transaction.set(ref, {
        key,
        holder_id: holderId,
        token,
        expires_at_ms: expiresAt,
        expires_at: Timestamp.fromMillis(expiresAt),
        acquired_at: FieldValue.serverTimestamp(),
        released: false,
      });
      return { key, holderId, token, expiresAt };
    });
  }

  renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const ref = this.firestore.collection(this.collection).doc(lease.key);
    return this.firestore.runTransaction(async (transaction) => {
      this.assertHeld(lease, (await transaction.get(ref)).data() as LockDocument | undefined);
      const expiresAt = Date.now() + leaseMs;
      transaction.update(ref, { expires_at_ms: expiresAt, expires_at: Timestamp.fromMillis(expiresAt) });
      return { ...lease, expiresAt };
    });
  }

  release(lease: Lease): Promise<void> {
    const ref = this.firestore.collection(this.collection).doc(lease.key);
    return this.firestore.runTransaction(async (transaction) => {
      this.assertHeld(lease, (await transaction.get(ref)).data() as LockDocument | undefined);
      transaction.update(ref, { released: true, holder_id: null, released_at: FieldValue.serverTimestamp() });
    });
  }

  private assertHeld(lease: Lease, current: LockDocument | undefined): void {
    const now = Date.now();
    if (!current) throw new LeaseLostError(lease, 'the lock document is gone');
    if (current.token !== lease.token) throw new LeaseLostError(lease, `token ${current.token} is newer`);
    if (current.released || current.holder_id !== lease.holderId) throw new LeaseLostError(lease, 'already released');
    if (now >= current.expires_at_ms) throw new LeaseLostError(lease, `expired ${now - current.expires_at_ms} ms ago`);
  }
}

import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';

/**
 * The client's value classes, loaded where they are used: this module is re-exported by the lib's
 * index, and a static value import would start the Google client stack in every process that
 * imports the lib, the local runtime included (the Firestore instance passed in has loaded the
 * package already, so the import is a lookup). The package is CommonJS: what an ES module's
 * import() of it surely has is `default`, its module.exports (the bundle's chunks are ES modules).
 */
const firestoreValues = async () => (await import('@google-cloud/firestore')).default;
import { LeaseLostError, type Lease, type LockBackend } from '../lease';

const ABORTED = 10;

/**
 * A lock document as either side writes it. The original platform's Python processors (grading,
 * backfills) write `{operation_id, holder_id, lock_type, acquired_at, expires_at, lock_key}` under
 * `<lock_type>_locks/<lock_type>_<game_date>`, treat the lock as free when the document is absent
 * or `expires_at` has passed, and delete it on release (docs/operations/cutover.md, "Locks").
 */
interface LockDocument {
  key?: string;
  holder_id?: string | null;
  token?: number;
  expires_at_ms?: number;
  expires_at?: Timestamp;
  released?: boolean;
}

/** When a document's lease ends, whichever side wrote it. */
const expiresAtMs = (document: LockDocument) => document.expires_at_ms ?? document.expires_at?.toMillis() ?? 0;

/** What is wrong with a stored lock document, naming the field; null when either side could have written it. */
function lockDocumentProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'expected an object';
  const document = data as Record<string, unknown>;
  if (document.token !== undefined && !Number.isSafeInteger(document.token)) return 'token: expected an integer';
  if (document.expires_at_ms !== undefined && !Number.isFinite(document.expires_at_ms))
    return 'expires_at_ms: expected milliseconds';
  const expiresAt = document.expires_at as { toMillis?: unknown } | undefined;
  if (expiresAt !== undefined && (typeof expiresAt !== 'object' || typeof expiresAt?.toMillis !== 'function'))
    return 'expires_at: expected a timestamp';
  if (document.released !== undefined && typeof document.released !== 'boolean')
    return 'released: expected true or false';
  if (document.holder_id !== undefined && document.holder_id !== null && typeof document.holder_id !== 'string')
    return 'holder_id: expected a string or null';
  return null;
}

/**
 * Locks in Firestore: one document per key, changed only inside transactions, in the shape the
 * original platform's Python lock reads and writes, so both honour each other's locks during the
 * cutover. The document survives this side's releases, so its `token` keeps counting; after the
 * Python side deleted it, the count restarts from the clock (see below), still increasing.
 */
export class FirestoreLockBackend implements LockBackend {
  readonly name = 'firestore';

  constructor(
    private readonly firestore: Firestore,
    private readonly collection = 'consolidation_locks',
    /** Told about a lock document of the wrong shape (its path and what is wrong); the lock counts as expired. */
    private readonly onUnreadable: (path: string, reason: string) => void = () => undefined,
  ) {}

  /**
   * The document as this side reads it. A wrong-shaped one (written by hand, or damaged) must not
   * wedge its key: it is reported and read as an expired lease, keeping its token when that is one.
   */
  private lockDocument(ref: DocumentReference, data: unknown): LockDocument | undefined {
    if (data === undefined) return undefined;
    const problem = lockDocumentProblem(data);
    if (problem === null) return data as LockDocument;
    this.onUnreadable(ref.path, `not a lock document: ${problem}`);
    const token = (data as { token?: unknown } | null)?.token;
    return { released: true, expires_at_ms: 0, ...(Number.isSafeInteger(token) ? { token: token as number } : {}) };
  }

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

  private async acquireInTransaction(
    ref: DocumentReference,
    key: string,
    holderId: string,
    leaseMs: number,
  ): Promise<Lease | null> {
    // Loaded before the transaction opens, so the lookup never lengthens it.
    const { FieldValue, Timestamp } = await firestoreValues();
    return this.firestore.runTransaction(async (transaction) => {
      const current = this.lockDocument(ref, (await transaction.get(ref)).data());
      const now = Date.now();
      if (current && !current.released && expiresAtMs(current) > now) return null;
      // A document without a token (none yet, or the Python side's, which deletes it on release)
      // restarts the count at the clock in milliseconds: above every token handed out before, since
      // each lease took a transaction of more than a millisecond. (A clock behind another
      // instance's can only make the fence refuse a write, never let a stale one through.)
      const token = current?.token !== undefined ? current.token + 1 : now;
      const expiresAt = now + leaseMs;
      const [, lockType, gameDate] = /^([a-z]+)_(\d{4}-\d{2}-\d{2})$/.exec(key) ?? [];
      transaction.set(ref, {
        key,
        lock_key: key,
        ...(lockType ? { lock_type: lockType, game_date: gameDate } : {}),
        operation_id: holderId,
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

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const ref = this.firestore.collection(this.collection).doc(lease.key);
    const { Timestamp } = await firestoreValues();
    return this.firestore.runTransaction(async (transaction) => {
      this.assertHeld(lease, this.lockDocument(ref, (await transaction.get(ref)).data()));
      const expiresAt = Date.now() + leaseMs;
      transaction.update(ref, { expires_at_ms: expiresAt, expires_at: Timestamp.fromMillis(expiresAt) });
      return { ...lease, expiresAt };
    });
  }

  async release(lease: Lease): Promise<void> {
    const ref = this.firestore.collection(this.collection).doc(lease.key);
    const { FieldValue, Timestamp } = await firestoreValues();
    return this.firestore.runTransaction(async (transaction) => {
      this.assertHeld(lease, this.lockDocument(ref, (await transaction.get(ref)).data()));
      // The Python side reads only expires_at: a released lock must read as expired there too.
      const now = Date.now();
      transaction.update(ref, {
        released: true,
        holder_id: null,
        released_at: FieldValue.serverTimestamp(),
        expires_at_ms: now,
        expires_at: Timestamp.fromMillis(now),
      });
    });
  }

  private assertHeld(lease: Lease, current: LockDocument | undefined): void {
    const now = Date.now();
    if (!current) throw new LeaseLostError(lease, 'the lock document is gone');
    if (current.token !== lease.token) throw new LeaseLostError(lease, `token ${current.token} is newer`);
    if (current.released || current.holder_id !== lease.holderId) throw new LeaseLostError(lease, 'already released');
    if (now >= expiresAtMs(current)) throw new LeaseLostError(lease, `expired ${now - expiresAtMs(current)} ms ago`);
  }
}

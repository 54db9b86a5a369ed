import type { DocumentData, Firestore } from '@google-cloud/firestore';
import type { BatchRecord, CompletionRecord } from '../batch-record';
import type { BatchStateStore, UnreadableState } from '../batch-state-store';
import { batchRecordProblem, completionRecordProblem } from '../batch-record-shape';

/** Firestore's TTL policy (declared by the infrastructure) deletes batch documents this long after their batch started. */
export const BATCH_RECORD_TTL_DAYS = 30;

/**
 * The client's Timestamp class, loaded where it is used (before a transaction opens, so the lookup
 * never lengthens one): this module is re-exported by the lib's index, and a static value import
 * would start the Google client stack in every process that imports the lib, the local runtime
 * included (the Firestore instance passed in has loaded the package already). The package is
 * CommonJS: what an ES module's import() of it surely has is `default`, its module.exports.
 */
const timestamps = async () => (await import('@google-cloud/firestore')).default.Timestamp;

/** The TTL field. */
const expiry = (Timestamp: Awaited<ReturnType<typeof timestamps>>, createdAt: string) => ({
  expire_at: Timestamp.fromMillis(Date.parse(createdAt) + BATCH_RECORD_TTL_DAYS * 86_400_000),
});

/** A stored document without the TTL field the store adds. */
const withoutExpiry = (data: DocumentData): Record<string, unknown> => {
  const { expire_at: _expiry, ...record } = data;
  return record;
};

/**
 * Batch state in Firestore: a document per batch (changed only in transactions) with
 * subcollections `completions` and `messages`, one document per player. A header or completion of
 * the wrong shape (written by hand, or by another version) is reported with its document path and
 * treated as absent, like a torn state file locally: no batch's routes fail on another's document.
 */
export class FirestoreBatchState implements BatchStateStore {
  constructor(
    private readonly firestore: Firestore,
    private readonly collection = 'prediction_batches',
    /** Told about each document that cannot be read; it is skipped, other batches go on. */
    private readonly onUnreadable: (problem: UnreadableState) => void = () => undefined,
  ) {}

  /** The header a document holds, or null (reported) when it is not one. */
  private header(path: string, batchId: string, data: DocumentData): BatchRecord | null {
    const record = withoutExpiry(data);
    const problem = batchRecordProblem(record, batchId);
    if (problem === null) return record as unknown as BatchRecord;
    this.report(path, `not a batch record: ${problem}`);
    return null;
  }

  private report(path: string, reason: string): void {
    this.onUnreadable({ path, reason, message: `${path} is unreadable (${reason}); fix or delete the document` });
  }

  private batch(batchId: string) {
    return this.firestore.collection(this.collection).doc(batchId);
  }

  async create(record: BatchRecord, messages: Record<string, unknown>): Promise<void> {
    const Timestamp = await timestamps();
    const entries = Object.entries(messages);
    for (let start = 0; start < entries.length; start += 400) {
      const writes = this.firestore.batch();
      for (const [player, message] of entries.slice(start, start + 400))
        writes.set(this.batch(record.batch_id).collection('messages').doc(player), {
          message,
          ...expiry(Timestamp, record.created_at),
        });
      await writes.commit();
    }
    // The header last: a batch is visible only once every message it names can be re-published.
    await this.batch(record.batch_id).create({ ...record, ...expiry(Timestamp, record.created_at) });
  }

  async get(batchId: string): Promise<BatchRecord | null> {
    const snapshot = await this.batch(batchId).get();
    return snapshot.exists ? this.header(snapshot.ref.path, batchId, snapshot.data()!) : null;
  }

  /** Every readable batch, oldest first; sorted here, since ordering in the query would drop a header without `created_at` unreported. */
  async list(): Promise<BatchRecord[]> {
    const snapshot = await this.firestore.collection(this.collection).get();
    return snapshot.docs
      .map((document) => this.header(document.ref.path, document.id, document.data()))
      .filter((record): record is BatchRecord => record !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async message(batchId: string, player: string): Promise<unknown> {
    const snapshot = await this.batch(batchId).collection('messages').doc(player).get();
    if (!snapshot.exists) throw new Error(`batch ${batchId} has no stored message for ${player}`);
    return (snapshot.data() as { message: unknown }).message;
  }

  async recordCompletion(batchId: string, completion: CompletionRecord): Promise<void> {
    const Timestamp = await timestamps();
    await this.batch(batchId)
      .collection('completions')
      .doc(completion.player_lookup)
      .set({ ...completion, ...expiry(Timestamp, completion.recorded_at) });
  }

  async completions(batchId: string): Promise<CompletionRecord[]> {
    const snapshot = await this.batch(batchId).collection('completions').get();
    const records: CompletionRecord[] = [];
    for (const document of snapshot.docs) {
      const completion = withoutExpiry(document.data());
      const problem = completionRecordProblem(completion);
      // A wrong-shaped completion counts as not in: the stall check re-publishes that player.
      if (problem) this.report(document.ref.path, `not a completion record: ${problem}`);
      else records.push(completion as unknown as CompletionRecord);
    }
    return records;
  }

  async completionCount(batchId: string): Promise<number> {
    const snapshot = await this.batch(batchId).collection('completions').count().get();
    return snapshot.data().count;
  }

  async update(batchId: string, change: (record: BatchRecord) => BatchRecord | null): Promise<BatchRecord | null> {
    const Timestamp = await timestamps();
    return this.firestore.runTransaction(
      async (transaction) => {
        const snapshot = await transaction.get(this.batch(batchId));
        const current = snapshot.exists ? this.header(snapshot.ref.path, batchId, snapshot.data()!) : null;
        if (!current) return null;
        const next = change(current);
        if (next) transaction.set(this.batch(batchId), { ...next, ...expiry(Timestamp, next.created_at) });
        return next;
      },
      { maxAttempts: 50 },
    );
  }
}

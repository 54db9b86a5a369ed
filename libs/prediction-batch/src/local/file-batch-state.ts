import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DistributedLock } from '@props/distributed-lock';
import { UnreadableFileError, readJsonFile, writeFileDurablyAsync } from '@props/durable-files';
import type { BatchRecord, CompletionRecord } from '../batch-record';
import type { BatchStateStore } from '../batch-state-store';
import { StampedFileCache } from './stamped-file-cache';
import { batchRecordProblem, completionRecordProblem } from '../batch-record-shape';

const SAFE = /^[A-Za-z0-9_-]{1,128}$/;

// Off the event loop: the header is written on every start, claim and merge (docs/performance.md).
const writeAtomically = (file: string, value: unknown) => writeFileDurablyAsync(file, JSON.stringify(value, null, 1));

/**
 * Batch state on the local disk, shared by every coordinator process: one folder per batch with
 * its header (changed only under the batch's lock), its requests in one file, and one file per
 * completed player (written by rename, so a redelivered completion replaces itself and nothing
 * is counted twice). Completions are written off the event loop, their folder's fsync shared by
 * the completions that arrive together (docs/performance.md).
 */
export class FileBatchState implements BatchStateStore {
  // Headers and completions as last read, re-read only when their file changed: a batch's header
  // was read for every completion and every completion for every status (docs/performance.md).
  private readonly headers = new StampedFileCache((file) => batchRecordFile(file));
  private readonly completionFiles = new StampedFileCache((file) => completionFile(file));

  constructor(
    private readonly folder: string,
    private readonly lock: DistributedLock,
    /** Told about each state file that cannot be read; the file is skipped, other batches go on. */
    private readonly onUnreadable: (error: UnreadableFileError) => void = () => undefined,
  ) {
    mkdirSync(folder, { recursive: true });
  }

  private batchFolder(batchId: string): string {
    if (!SAFE.test(batchId)) throw new Error(`batch id ${JSON.stringify(batchId)}: expected letters, digits, _ or -`);
    return join(this.folder, batchId);
  }

  async create(record: BatchRecord, messages: Record<string, unknown>): Promise<void> {
    const folder = this.batchFolder(record.batch_id);
    mkdirSync(join(folder, 'completions'), { recursive: true });
    // One file and one fsync for every request of the batch (a file per player cost ~0.5 s of
    // fsyncs on a full slate before the first push); read back only to re-publish a player.
    await writeFileDurablyAsync(join(folder, 'messages.json'), JSON.stringify(messages));
    await writeAtomically(join(folder, 'batch.json'), record);
  }

  /** A batch id that cannot be a batch folder (`../..`) is no batch; an unreadable header is reported and treated as none. */
  async get(batchId: string): Promise<BatchRecord | null> {
    if (!SAFE.test(batchId)) return null;
    try {
      return this.read(batchId);
    } catch (error) {
      if (!(error instanceof UnreadableFileError)) throw error;
      this.onUnreadable(error);
      return null;
    }
  }

  private read(batchId: string): BatchRecord | null {
    return this.headers.read(join(this.batchFolder(batchId), 'batch.json'));
  }

  /** Every readable batch; an unreadable batch.json is reported and skipped, never fatal to the others. */
  async list(): Promise<BatchRecord[]> {
    const records: BatchRecord[] = [];
    for (const name of readdirSync(this.folder)) {
      if (!SAFE.test(name) || !existsSync(join(this.folder, name, 'batch.json'))) continue;
      try {
        records.push(this.read(name)!);
      } catch (error) {
        if (!(error instanceof UnreadableFileError)) throw error;
        this.onUnreadable(error);
      }
    }
    return records.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async message(batchId: string, player: string): Promise<unknown> {
    const folder = this.batchFolder(batchId);
    // A batch created before the requests moved into one file keeps a file per player.
    if (!existsSync(join(folder, 'messages.json'))) return readJsonFile(join(folder, 'messages', `${player}.json`));
    const messages = readJsonFile<Record<string, unknown>>(join(folder, 'messages.json'));
    if (!Object.hasOwn(messages, player)) throw new Error(`batch ${batchId} has no stored message for ${player}`);
    return messages[player];
  }

  /** Idempotent per player: the last delivery of a player's completion is the one kept. */
  async recordCompletion(batchId: string, completion: CompletionRecord): Promise<void> {
    if (!/^[a-z0-9]{1,64}$/.test(completion.player_lookup))
      throw new Error(`player_lookup ${JSON.stringify(completion.player_lookup)} is not a normalised lookup`);
    await writeFileDurablyAsync(
      join(this.batchFolder(batchId), 'completions', `${completion.player_lookup}.json`),
      JSON.stringify(completion, null, 1),
    );
  }

  async completions(batchId: string): Promise<CompletionRecord[]> {
    const folder = join(this.batchFolder(batchId), 'completions');
    const records: CompletionRecord[] = [];
    for (const name of readdirSync(folder).filter((found) => found.endsWith('.json'))) {
      try {
        const record = this.completionFiles.read(join(folder, name));
        if (record) records.push(record);
      } catch (error) {
        // A torn completion counts as not in: the stall check re-publishes that player.
        if (!(error instanceof UnreadableFileError)) throw error;
        this.onUnreadable(error);
      }
    }
    return records;
  }

  /** Listed on the thread pool: it runs for every completion, the folder growing to a whole slate. */
  async completionCount(batchId: string): Promise<number> {
    const names = await readdir(join(this.batchFolder(batchId), 'completions'));
    return names.filter((name) => name.endsWith('.json')).length;
  }

  /** Changes the header under the batch's lock; `change` returns null to leave it as it is. */
  async update(batchId: string, change: (record: BatchRecord) => BatchRecord | null): Promise<BatchRecord | null> {
    return this.lock.withLock(
      `batch_${batchId}`,
      { leaseMs: 10_000, maxWaitMs: 30_000, retryIntervalMs: 20 },
      async () => {
        // Under the lock the header is read from disk, whatever the cache holds.
        const file = join(this.batchFolder(batchId), 'batch.json');
        this.headers.forget(file);
        const current = this.headers.read(file);
        if (!current) return null;
        const next = change(current);
        if (next) await writeAtomically(file, next);
        return next;
      },
    );
  }
}

function batchRecordFile(file: string): BatchRecord {
  const record = readJsonFile<unknown>(file);
  const problem = batchRecordProblem(record, basename(dirname(file)));
  // A parseable but wrong-shaped header is as unreadable as a torn one: reported with its path, skipped by list().
  if (problem) throw new UnreadableFileError(file, `not a batch record: ${problem}`);
  return record as BatchRecord;
}

function completionFile(file: string): CompletionRecord {
  const record = readJsonFile<unknown>(file);
  const problem = completionRecordProblem(record);
  // A torn or wrong-shaped completion counts as not in: the stall check re-publishes that player.
  if (problem) throw new UnreadableFileError(file, `not a completion record: ${problem}`);
  return record as CompletionRecord;
}

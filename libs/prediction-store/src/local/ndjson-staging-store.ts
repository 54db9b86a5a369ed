import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PredictionRowSchema, type PredictionRow } from '@props/contracts';
import { stagingPerPrefix, type StagingFor } from '../staging-for-prefix';
import { StagingWriteError, type StagingStore } from '../staging-store';

const SAFE_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** One NDJSON file per message under `<root>/<batch_id>/`, written to a temporary name and renamed. */
export class NdjsonStagingStore implements StagingStore {
  readonly name = 'ndjson files';

  constructor(private readonly root: string) {}

  async write(batchId: string, messageId: string, rows: readonly PredictionRow[]): Promise<void> {
    if (!SAFE_NAME.test(batchId) || !SAFE_NAME.test(messageId)) throw new StagingWriteError(`staging: batch id "${batchId}" or message id "${messageId}" is not a safe file name`);
    const folder = join(this.root, batchId);
    const staged = join(folder, `.${messageId}.${randomUUID()}.partial`);
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(staged, rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''));
      renameSync(staged, join(folder, `${messageId}.ndjson`));
    } catch (error) {
      // The folder itself may be what failed (ENOTDIR), so removing the partial file can fail too.
      try {
        rmSync(staged, { force: true });
      } catch {
        // nothing was written there
      }
      throw new StagingWriteError(`staging: cannot write ${folder}/${messageId}.ndjson: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  async list(batchId: string): Promise<string[]> {
    try {
      return readdirSync(join(this.root, batchId))
        .filter((name) => name.endsWith('.ndjson'))
        .map((name) => name.slice(0, -'.ndjson'.length))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async read(batchId: string, messageIds: readonly string[]): Promise<PredictionRow[]> {
    return messageIds.flatMap((messageId) =>
      readFileSync(join(this.root, batchId, `${messageId}.ndjson`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => PredictionRowSchema.parse(JSON.parse(line))),
    );
  }

  async remove(batchId: string, messageIds: readonly string[]): Promise<void> {
    for (const messageId of messageIds) rmSync(join(this.root, batchId, `${messageId}.ndjson`), { force: true });
  }

  async removeStale(cutoff: Date): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    const removed: string[] = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SAFE_NAME.test(entry.name) || entry.name === 'prefixed') continue;
      const folder = join(this.root, entry.name);
      const newest = Math.max(statSync(folder).mtimeMs, ...readdirSync(folder).map((name) => statSync(join(folder, name)).mtimeMs));
      if (newest >= cutoff.getTime()) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    }
    return removed;
  }
}

/** Local staging per prefix: `<root>/` for production, `<root>/prefixed/<prefix>/` for a prefix. */
export function ndjsonStagingFor(root: string): StagingFor<NdjsonStagingStore> {
  return stagingPerPrefix((datasetPrefix) => new NdjsonStagingStore(datasetPrefix ? join(root, 'prefixed', datasetPrefix) : root));
}

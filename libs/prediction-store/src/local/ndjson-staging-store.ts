import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { checkedPredictionRow, type PredictionRow } from '@props/contracts';
import { writeSmallFilesDurably } from '@props/durable-files';
import { stagingPerPrefix, type StagingFor } from '../staging-for-prefix';
import { StagingWriteError, type StagedRows, type StagingStore } from '../staging-store';

const SAFE_NAME = /^[A-Za-z0-9_.-]{1,200}$/;
/** One NDJSON file per message under `<root>/<batch_id>/`, written to a temporary name and renamed. */
export class NdjsonStagingStore implements StagingStore {
  readonly name = 'ndjson files';

  constructor(private readonly root: string) {}

  async write(batchId: string, messageId: string, rows: readonly PredictionRow[]): Promise<void> {
    await this.writeAll(batchId, [{ messageId, rows }]);
  }

  /**
   * Each message's rows in its own file, all of them flushed (files, then the folder once) before
   * this resolves, so before the worker answers: a crash never leaves an empty or torn file behind
   * a completion. The batch's folder is made by the first write that finds it missing, not checked
   * by every write.
   */
  async writeAll(batchId: string, staged: readonly StagedRows[]): Promise<void> {
    const unsafe = [batchId, ...staged.map(({ messageId }) => messageId)].find((name) => !SAFE_NAME.test(name));
    if (unsafe !== undefined)
      throw new StagingWriteError(`staging: batch or message id "${unsafe}" is not a safe file name`);
    const folder = join(this.root, batchId);
    const files = staged.map(({ messageId, rows }) => ({
      name: `${messageId}.ndjson`,
      data: rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''),
    }));
    try {
      await writeSmallFilesDurably(folder, files).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(folder, { recursive: true });
        await writeSmallFilesDurably(folder, files);
      });
    } catch (error) {
      throw new StagingWriteError(
        `staging: cannot write ${files.map(({ name }) => join(folder, name)).join(', ')}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
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

  /**
   * The staged rows of each message, checked against the row schema and the batch's date; a file
   * that fails is named with its reason instead of failing the whole batch.
   */
  async read(
    batchId: string,
    messageIds: readonly string[],
    gameDate: string,
    expected: Readonly<Record<string, { player: string | null; rows: number | null }>> = {},
  ): Promise<{ rows: PredictionRow[]; invalid: Array<{ messageId: string; reason: string }> }> {
    const rows: PredictionRow[] = [];
    const invalid: Array<{ messageId: string; reason: string }> = [];
    for (const messageId of messageIds) {
      const file = join(this.root, batchId, `${messageId}.ndjson`);
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const parsed: PredictionRow[] = [];
      let reason: string | null = null;
      for (const [index, line] of lines.entries()) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          reason = `line ${index + 1} is not JSON`;
          break;
        }
        const checked = checkedPredictionRow(value);
        if (!checked.success) {
          reason = `line ${index + 1}: ${checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`;
          break;
        }
        if (checked.data.game_date !== gameDate) {
          reason = `line ${index + 1} is for ${checked.data.game_date}, the batch for ${gameDate}`;
          break;
        }
        // A row is the batch's, and the player's the message was published for (issue 25: forged content under a real id).
        const player = expected[messageId]?.player;
        if (checked.data.batch_id !== batchId || (player && checked.data.player_lookup !== player)) {
          reason = `line ${index + 1} is for ${checked.data.batch_id}/${checked.data.player_lookup}, the message was published for ${batchId}/${player ?? 'any player'}`;
          break;
        }
        parsed.push(checked.data);
      }
      // An empty or torn file (a crash before its bytes reached the disk) holds fewer rows than its completion reported.
      const rowsStaged = expected[messageId]?.rows;
      if (!reason && rowsStaged !== null && rowsStaged !== undefined && parsed.length !== rowsStaged)
        reason = `holds ${parsed.length} row(s), its completion reported ${rowsStaged} (empty or torn)`;
      if (reason) invalid.push({ messageId, reason: `${file}: ${reason}` });
      else rows.push(...parsed);
    }
    return { rows, invalid };
  }

  /** Moves a message's staging aside (`<batch>/quarantine/`), kept for an operator, out of every later merge. */
  async quarantine(batchId: string, messageId: string): Promise<void> {
    mkdirSync(join(this.root, batchId, 'quarantine'), { recursive: true });
    renameSync(
      join(this.root, batchId, `${messageId}.ndjson`),
      join(this.root, batchId, 'quarantine', `${messageId}.ndjson`),
    );
  }

  /**
   * Off the event loop and side by side: removing a whole batch one file at a time held the merge's
   * lock for ~0.5 s. One unlink per file (an already missing file is fine): `rm` runs several file
   * system calls per file, 7-21 ms for a batch's 235 files against 2-4 ms.
   */
  async remove(batchId: string, messageIds: readonly string[]): Promise<void> {
    await Promise.all(
      messageIds.map((messageId) =>
        unlink(join(this.root, batchId, `${messageId}.ndjson`)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        }),
      ),
    );
  }

  async removeStale(cutoff: Date): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    const removed: string[] = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SAFE_NAME.test(entry.name) || entry.name === 'prefixed') continue;
      const folder = join(this.root, entry.name);
      const newest = Math.max(
        statSync(folder).mtimeMs,
        ...readdirSync(folder).map((name) => statSync(join(folder, name)).mtimeMs),
      );
      if (newest >= cutoff.getTime()) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    }
    return removed;
  }
}

/** Local staging per prefix: `<root>/` for production, `<root>/prefixed/<prefix>/` for a prefix. */
export function ndjsonStagingFor(root: string): StagingFor<NdjsonStagingStore> {
  return stagingPerPrefix(
    (datasetPrefix) => new NdjsonStagingStore(datasetPrefix ? join(root, 'prefixed', datasetPrefix) : root),
  );
}

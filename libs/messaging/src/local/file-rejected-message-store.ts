import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  REJECTIONS_STORED_PER_BATCH,
  rejectionBatchKey,
  type RecordOutcome,
  type RejectedMessage,
  type RejectedMessageStore,
} from '@props/contracts';
import { writeFileDurably } from '@props/durable-files';

/** Per batch: how many of its rejections are stored, and how many more were only counted. */
interface BatchCount {
  stored: number;
  over_cap: number;
}

/** The body as JSON inside the record (escaped once), or as the string it was when cut at the recording limit. */
function recordText(rejection: RejectedMessage): string {
  try {
    const { body, ...fields } = rejection;
    return `${JSON.stringify({ ...fields, body_json: JSON.parse(body) as unknown })}\n`;
  } catch {
    return `${JSON.stringify(rejection)}\n`;
  }
}

/**
 * The local runtime's rejected messages: one JSON file each under `<folder>/`, written durably, at
 * most REJECTIONS_STORED_PER_BATCH per batch; the counts live in `<folder>/counts/<batch>.json`. The counting is exact
 * within a process (its file work is synchronous); two processes sharing the folder may store a
 * few more than that between them.
 */
export class FileRejectedMessageStore implements RejectedMessageStore {
  readonly name = 'files';

  constructor(private readonly folder: string) {}

  async record(rejection: RejectedMessage): Promise<RecordOutcome> {
    const counts = join(this.folder, 'counts');
    mkdirSync(counts, { recursive: true });
    const countFile = join(counts, `${rejectionBatchKey(rejection)}.json`);
    const count = this.readCount(countFile);
    if (count.stored >= REJECTIONS_STORED_PER_BATCH) {
      const counted = { ...count, over_cap: count.over_cap + 1 };
      writeFileDurably(countFile, JSON.stringify(counted));
      return { stored: false, overCap: counted.over_cap };
    }
    const name = `${rejection.rejected_at.replace(/[:.]/g, '-')}-${rejection.service}-${randomUUID()}.json`;
    writeFileDurably(join(this.folder, name), recordText(rejection));
    writeFileDurably(countFile, JSON.stringify({ ...count, stored: count.stored + 1 }));
    return { stored: true };
  }

  async removeOlderThan(cutoff: Date): Promise<number> {
    if (!existsSync(this.folder)) return 0;
    let removed = 0;
    const stale = (path: string) => statSync(path).mtimeMs < cutoff.getTime();
    for (const name of readdirSync(this.folder).filter((entry) => entry.endsWith('.json'))) {
      const path = join(this.folder, name);
      if (!stale(path)) continue;
      rmSync(path, { force: true });
      removed += 1;
    }
    const counts = join(this.folder, 'counts');
    // A batch's count goes with its records: one untouched since the cutoff counts nothing still stored.
    if (existsSync(counts))
      for (const name of readdirSync(counts))
        if (stale(join(counts, name))) rmSync(join(counts, name), { force: true });
    return removed;
  }

  private readCount(file: string): BatchCount {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BatchCount>;
      return {
        stored: Number.isInteger(parsed.stored) ? parsed.stored! : 0,
        over_cap: Number.isInteger(parsed.over_cap) ? parsed.over_cap! : 0,
      };
    } catch {
      return { stored: 0, over_cap: 0 };
    }
  }
}

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RejectedMessage, RejectedMessageStore } from '@props/contracts';
import { writeFileDurably } from '@props/durable-files';

/** The local runtime's rejected messages: one JSON file each under `<folder>/`, written atomically. */
export class FileRejectedMessageStore implements RejectedMessageStore {
  readonly name = 'files';

  constructor(private readonly folder: string) {}

  async record(rejection: RejectedMessage): Promise<void> {
    mkdirSync(this.folder, { recursive: true });
    const name = `${rejection.rejected_at.replace(/[:.]/g, '-')}-${rejection.service}-${randomUUID()}.json`;
    writeFileDurably(join(this.folder, name), `${JSON.stringify(rejection)}\n`);
  }
}

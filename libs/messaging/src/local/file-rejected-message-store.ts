import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RejectedMessage } from '@props/contracts';
import type { RejectedMessageStore } from '../rejected-message-store';

/** The local runtime's rejected messages: one JSON file each under `<folder>/`, written atomically. */
export class FileRejectedMessageStore implements RejectedMessageStore {
  readonly name = 'files';

  constructor(private readonly folder: string) {}

  async record(rejection: RejectedMessage): Promise<void> {
    mkdirSync(this.folder, { recursive: true });
    const name = `${rejection.rejected_at.replace(/[:.]/g, '-')}-${rejection.service}-${randomUUID()}.json`;
    writeFileSync(join(this.folder, `.${name}.partial`), `${JSON.stringify(rejection)}\n`);
    renameSync(join(this.folder, `.${name}.partial`), join(this.folder, name));
  }
}

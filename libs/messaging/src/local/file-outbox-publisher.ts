import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Publisher, PublishOptions } from '../publisher';

/**
 * The local runtime's topics that no local service subscribes to (the phase-5 completion the
 * original platform's orchestrator reads): each message is one line appended, and fsynced, to
 * `<folder>/<topic>.ndjson`, as `{message_id, publish_time, data}`, so an operator or a test reads
 * what production would have published.
 */
export class FileOutboxPublisher implements Publisher {
  readonly name = 'outbox files';

  constructor(private readonly folder: string) {}

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<string> {
    mkdirSync(this.folder, { recursive: true });
    const messageId = options.messageId ?? randomUUID();
    // One write to a file opened for appending: lines from concurrent publishers never interleave.
    const handle = openSync(join(this.folder, `${topic}.ndjson`), 'a');
    try {
      writeSync(
        handle,
        `${JSON.stringify({ message_id: messageId, publish_time: new Date().toISOString(), data: payload })}\n`,
      );
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
    return messageId;
  }
}

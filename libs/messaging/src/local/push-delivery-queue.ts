import { errorMessage } from '@props/contracts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '@props/durable-files';
import type { Publisher } from '../publisher';

export interface DeadLetter {
  topic: string;
  messageId: string;
  payload: unknown;
  reason: string;
  deadLetteredAt: string;
}

/**
 * Deliveries in flight per subscriber endpoint unless told otherwise. Measured on a whole local
 * batch (2024-11-04, 235 pushes, one worker; docs/performance.md): 4 in flight 18.0-19.2 s,
 * 8 12.5-15.3 s, 16 10.5-12.3 s, 32 13.4 s. A delivery mostly waits (the worker's staging and its
 * completion's round trip), so more in flight keeps both services busy; past 16 nothing is gained.
 */
export const DEFAULT_PUSH_CONCURRENCY = 16;

export interface PushDeliveryQueueOptions {
  /** One publisher per subscriber endpoint (e.g. per worker); messages go round-robin. */
  publishers: readonly Publisher[];
  /** Deliveries in flight per publisher (DEFAULT_PUSH_CONCURRENCY when left out). */
  concurrencyPerPublisher?: number;
  /** Where a message that exhausted its attempts is recorded (one JSON file per message). */
  deadLetterDir: string;
  onDeadLetter?: (letter: DeadLetter) => void;
}

/**
 * Pub/Sub's fan-out on the local runtime: publish() returns at once and delivery happens in the
 * background, spread over the subscriber endpoints, each publisher retrying with backoff; a
 * message that never gets through is written to the dead-letter folder instead of being lost.
 */
export class PushDeliveryQueue {
  private readonly pending: { topic: string; payload: unknown; messageId: string }[] = [];
  private active = 0;
  private next = 0;
  private nextTurn: NodeJS.Immediate | undefined;

  constructor(private readonly options: PushDeliveryQueueOptions) {
    if (options.publishers.length === 0) throw new Error('PushDeliveryQueue needs at least one publisher');
  }

  enqueue(topic: string, payload: unknown, messageId: string): void {
    this.pending.push({ topic, payload, messageId });
    this.pump();
  }

  /**
   * Starts one delivery, and the next on a later turn of the event loop: encoding a push takes
   * about a millisecond and a request goes on the wire only when the loop polls its socket, so a
   * fan-out started in one go kept the first push off the wire until all were encoded
   * (docs/performance.md, "The start's path, sixth pass").
   */
  private pump(): void {
    const limit = this.options.publishers.length * (this.options.concurrencyPerPublisher ?? DEFAULT_PUSH_CONCURRENCY);
    if (this.nextTurn || this.active >= limit || this.pending.length === 0) return;
    const message = this.pending.shift()!;
    const publisher = this.options.publishers[this.next++ % this.options.publishers.length]!;
    this.active += 1;
    void publisher
      .publish(message.topic, message.payload, { messageId: message.messageId })
      .catch((error: unknown) => this.deadLetter(message, errorMessage(error)))
      .finally(() => {
        this.active -= 1;
        this.pump();
      });
    this.nextTurn = setImmediate(() => {
      this.nextTurn = undefined;
      this.pump();
    });
  }

  private deadLetter(message: { topic: string; payload: unknown; messageId: string }, reason: string): void {
    const letter: DeadLetter = { ...message, reason, deadLetteredAt: new Date().toISOString() };
    mkdirSync(this.options.deadLetterDir, { recursive: true });
    const file = join(this.options.deadLetterDir, `${message.messageId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    writeFileDurably(file, JSON.stringify(letter));
    this.options.onDeadLetter?.(letter);
  }
}

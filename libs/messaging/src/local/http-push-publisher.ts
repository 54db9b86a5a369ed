import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { encodePushEnvelope, errorMessage } from '@props/contracts';
import { PublishError, type PublishOptions, type Publisher } from '../publisher';
import { postJson } from './post-json';

/**
 * The statuses Pub/Sub push counts as an acknowledgement; every other one (400 included) is
 * redelivered with backoff until the dead-letter policy moves the message
 * (https://cloud.google.com/pubsub/docs/push#receive_push).
 */
const PUSH_ACK_STATUSES: ReadonlySet<number> = new Set([102, 200, 201, 202, 204]);

export interface HttpPushOptions {
  /** Push endpoint per topic, e.g. { 'prediction-ready': 'http://127.0.0.1:8081/complete' }. */
  endpoints: Record<string, string>;
  /** Attempts per message before giving up (Pub/Sub's default dead-letter policy allows 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, like Pub/Sub's exponential backoff. */
  initialBackoffMs?: number;
  /** Sent with every push, e.g. the receiver's API key. */
  headers?: Record<string, string>;
}

/**
 * The local stand-in for a Pub/Sub push subscription: POSTs the same envelope Pub/Sub would to the
 * topic's endpoint. As with Pub/Sub, only 102/200/201/202/204 acknowledge; any other status (a 400
 * or 401 too) and a connection failure are redelivered with exponential backoff, up to the
 * dead-letter policy's attempts.
 */
export class HttpPushPublisher implements Publisher {
  readonly name = 'http push';

  constructor(private readonly options: HttpPushOptions) {}

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<string> {
    const endpoint = this.options.endpoints[topic];
    if (!endpoint) throw new PublishError(`no push endpoint configured for topic ${topic}`);
    // As Pub/Sub: every publish gets its own delivery id (kept across its redeliveries); the id
    // the caller chose travels as the logical-id attribute.
    const deliveryId = randomUUID();
    const maxAttempts = this.options.maxAttempts ?? 5;
    let delay = this.options.initialBackoffMs ?? 100;
    let last = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        const status = await postJson(
          endpoint,
          JSON.stringify(
            encodePushEnvelope(
              payload,
              deliveryId,
              `projects/local/subscriptions/${topic}`,
              attempt,
              options.messageId,
            ),
          ),
          this.options.headers ?? {},
        );
        if (PUSH_ACK_STATUSES.has(status)) return deliveryId;
        last = `HTTP ${status}`;
      } catch (error) {
        last = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
      }
      if (attempt < maxAttempts) await sleep(delay);
      delay *= 2;
    }
    throw new PublishError(
      `${topic}: ${endpoint} did not accept message ${options.messageId ?? deliveryId} after ${maxAttempts} attempts (last: ${last})`,
    );
  }
}

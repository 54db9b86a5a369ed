/** Where acknowledged-but-rejected push messages are recorded on BigQuery (in the predictions dataset). */
export const REJECTED_MESSAGES_TABLE = 'rejected_messages';

/** The longest body kept with a rejection (enough to replay any message the coordinator sends). */
const BODY_LIMIT = 1_000_000;

/**
 * A push message that can never be processed (malformed envelope or payload, invalid features):
 * acknowledged so Pub/Sub stops redelivering it, and recorded here so an operator can find it,
 * fix what produced it, and replay the body.
 */
export interface RejectedMessage {
  rejected_at: string;
  /** The service that refused it: worker or coordinator. */
  service: string;
  subscription: string | null;
  /** Pub/Sub's id of the delivery, and the publisher's logical id when the envelope had them. */
  delivery_id: string | null;
  message_id: string | null;
  field: string;
  problem: string;
  /** The request body as received (JSON), cut at 1,000,000 characters. */
  body: string;
}

/** Where a service records the push messages it acknowledged without processing them (a port: files locally, BigQuery on gcp). */
export interface RejectedMessageStore {
  readonly name: string;
  /** Stores the rejection unless its batch already has `REJECTIONS_STORED_PER_BATCH` stored; then counts it. */
  record(rejection: RejectedMessage): Promise<RecordOutcome>;
  /** Deletes the rejections recorded before `cutoff` (and their batches' counts); returns how many. */
  removeOlderThan(cutoff: Date): Promise<number>;
}

/** What recording one rejection did: stored, or counted only because its batch has the most a batch may store (`overCap`: how many so far). */
export type RecordOutcome = { stored: true } | { stored: false; overCap: number };

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 300) : null;

/** The record of one rejection, with whatever ids the (possibly malformed) envelope carries. */
export function rejectedMessage(
  service: string,
  body: unknown,
  error: { field: string; problem: string },
  now = new Date(),
): RejectedMessage {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
    subscription?: unknown;
    message?: { messageId?: unknown; message_id?: unknown; attributes?: Record<string, unknown> };
  };
  const message = typeof envelope.message === 'object' && envelope.message !== null ? envelope.message : {};
  return {
    rejected_at: now.toISOString(),
    service,
    subscription: text(envelope.subscription),
    delivery_id: text(message.messageId) ?? text(message.message_id),
    message_id: text(
      typeof message.attributes === 'object' && message.attributes !== null
        ? message.attributes.props_message_id
        : undefined,
    ),
    field: error.field,
    problem: error.problem,
    body: JSON.stringify(body ?? null).slice(0, BODY_LIMIT),
  };
}

/** How many rejections of one batch are stored; a publisher sending thousands of bad messages fills no disk. */
export const REJECTIONS_STORED_PER_BATCH = 100;

/** The batch key of rejections whose logical id names no batch (a malformed envelope). */
export const UNATTRIBUTED_REJECTIONS = 'unattributed';

/**
 * The batch a rejection is counted under: the part of its logical id (`<batch_id>.<player>`) before
 * the dot when that is a plain name, else `unattributed`.
 */
export function rejectionBatchKey(rejection: Pick<RejectedMessage, 'message_id'>): string {
  const batch = rejection.message_id?.split('.')[0] ?? '';
  return /^[A-Za-z0-9_-]{1,128}$/.test(batch) && rejection.message_id!.length > batch.length
    ? batch
    : UNATTRIBUTED_REJECTIONS;
}

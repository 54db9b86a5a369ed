import { REJECTIONS_STORED_PER_BATCH, errorMessage, rejectionBatchKey, type RejectedMessage } from '@props/contracts';

/** What recording one rejection did: stored, or counted only because its batch has the most a batch may store. */
export type RecordOutcome = { stored: true } | { stored: false; overCap: number };

/** Where a service records the push messages it acknowledged without processing them. */
export interface RejectedMessageStore {
  readonly name: string;
  /** Stores the rejection unless its batch already has `cap` stored; then counts it (`overCap`: how many so far). */
  record(rejection: RejectedMessage): Promise<RecordOutcome>;
  /** Deletes the rejections recorded before `cutoff` (and their batches' counts); returns how many. */
  removeOlderThan(cutoff: Date): Promise<number>;
}

/** A batch whose rejections just reached the cap: what the `rejected_messages_capped` alert names. */
export interface CapReached {
  batch: string;
  cap: number;
}

/**
 * Pub/Sub push counts only these statuses as an acknowledgement; every other status (400
 * included) is redelivered with backoff until the dead-letter policy moves the message, and each
 * failure halves how many messages Pub/Sub keeps outstanding to the endpoint
 * (https://cloud.google.com/pubsub/docs/push#receive_push).
 */
export const PUSH_ACK_STATUSES: ReadonlySet<number> = new Set([102, 200, 201, 202, 204]);

/**
 * The answer to a push that can never succeed: recorded, then acknowledged (200, with the field
 * and the problem), so it is neither lost nor redelivered. Past its batch's cap it is counted, not
 * stored, and still acknowledged; on the first one counted `capReached` asks the caller to alert. If it cannot be recorded, 500: Pub/Sub redelivers and the record is tried again.
 */
export async function acknowledgeRejection(
  store: RejectedMessageStore,
  rejection: RejectedMessage,
): Promise<{ status: number; body: Record<string, unknown>; failure?: string; capReached?: CapReached }> {
  let outcome: RecordOutcome;
  try {
    outcome = await store.record(rejection);
  } catch (error) {
    return {
      status: 500,
      body: { error: 'the rejected message could not be recorded; retry', code: 'rejection_not_recorded' },
      failure: errorMessage(error),
    };
  }
  return {
    status: 200,
    body: {
      acknowledged: true,
      rejected: { field: rejection.field, problem: rejection.problem },
      ...(outcome.stored ? {} : { stored: false }),
    },
    // Alerted once per batch: on the first rejection counted instead of stored.
    ...(!outcome.stored && outcome.overCap === 1
      ? { capReached: { batch: rejectionBatchKey(rejection), cap: REJECTIONS_STORED_PER_BATCH } }
      : {}),
  };
}

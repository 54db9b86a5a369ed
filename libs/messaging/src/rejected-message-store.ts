import { errorMessage, type RejectedMessage } from '@props/contracts';

/** Where a service records the push messages it acknowledged without processing them. */
export interface RejectedMessageStore {
  readonly name: string;
  record(rejection: RejectedMessage): Promise<void>;
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
 * and the problem), so it is neither lost nor redelivered. If it cannot be recorded, 500: Pub/Sub
 * redelivers and the record is tried again.
 */
export async function acknowledgeRejection(
  store: RejectedMessageStore,
  rejection: RejectedMessage,
): Promise<{ status: number; body: Record<string, unknown>; failure?: string }> {
  try {
    await store.record(rejection);
  } catch (error) {
    return {
      status: 500,
      body: { error: 'the rejected message could not be recorded; retry', code: 'rejection_not_recorded' },
      failure: errorMessage(error),
    };
  }
  return {
    status: 200,
    body: { acknowledged: true, rejected: { field: rejection.field, problem: rejection.problem } },
  };
}

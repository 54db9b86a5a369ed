import type { ErrorKind } from '@props/contracts';

/**
 * The HTTP status each kind of error answers with, in every service: the one place a kind becomes
 * a status. Unavailable and transient both answer 503, which Pub/Sub push redelivers
 * (https://cloud.google.com/pubsub/docs/push#receive_push) and Cloud Scheduler retries.
 */
export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  not_found: 404,
  refused: 409,
  unprocessable: 422,
  unavailable: 503,
  transient: 503,
  internal: 500,
};

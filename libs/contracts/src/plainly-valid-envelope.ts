import type { PushEnvelope } from './push-envelope-schema';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isTextOrAbsent = (value: unknown, min: number) =>
  value === undefined || (typeof value === 'string' && value.length >= min);
// zod's int() takes safe integers only.
const isAttemptOrAbsent = (value: unknown) => value === undefined || (Number.isSafeInteger(value) && Number(value) > 0);

/** A JSON object of strings only, as JSON.parse builds it; anything else (symbols, a class instance) goes to zod. */
function isAttributes(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Reflect.ownKeys(value)) if (typeof key !== 'string' || typeof value[key] !== 'string') return false;
  return true;
}

/**
 * True only for a body `PushEnvelopeSchema` accepts, with the fields decodePushEnvelope reads as
 * they are (fields it does not know, such as Pub/Sub's `publish_time`, are ignored by both), at a
 * fraction of zod's cost: the envelope's parse was half of a message's decode in a fresh worker.
 * False means "let the schema decide": it refuses the body naming the field. The test probes every
 * field with values the schema refuses.
 */
export function plainlyValidEnvelope(body: unknown): body is PushEnvelope {
  if (!isRecord(body)) return false;
  const { message } = body;
  return (
    isRecord(message) &&
    typeof message.data === 'string' &&
    message.data.length >= 1 &&
    isTextOrAbsent(message.messageId, 1) &&
    isTextOrAbsent(message.message_id, 1) &&
    isTextOrAbsent(message.publishTime, 0) &&
    isAttributes(message.attributes) &&
    isAttemptOrAbsent(message.deliveryAttempt) &&
    isTextOrAbsent(body.subscription, 0) &&
    isAttemptOrAbsent(body.deliveryAttempt)
  );
}

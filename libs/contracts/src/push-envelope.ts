import type * as z from 'zod';
import { plainlyValidEnvelope } from './plainly-valid-envelope';
import { PushEnvelopeSchema, type PushEnvelope } from './push-envelope-schema';
import { ServiceError } from './service-error';

/**
 * The attribute carrying the id the publisher chose (`<batch>.<player>`). Pub/Sub assigns every
 * publish its own `messageId`, so a re-publish of the same logical message arrives under a new
 * one; staging is keyed by this attribute instead, on both backends.
 */
export const LOGICAL_ID_ATTRIBUTE = 'props_message_id';
const LOGICAL_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** A request or message that can never be processed: which field, and what is wrong with it. */
export class MalformedMessageError extends ServiceError {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super('invalid_request', `${field}: ${problem}`);
  }

  override get publicMessage(): string {
    return 'invalid request';
  }

  override replyFields(): Record<string, string> {
    return { field: this.field, problem: this.problem };
  }
}

/** Turns a zod failure into one error naming the first offending field. */
export function toMalformedMessageError(error: z.ZodError, prefix = ''): MalformedMessageError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = [prefix, path].filter(Boolean).join('.') || '(root)';
  return new MalformedMessageError(field, issue?.message ?? 'invalid');
}

export interface DecodedPush<T> {
  /** The logical id (the publisher's, from the attribute), else the delivery's own id. */
  messageId: string;
  /** The publisher's logical id attribute, when the message had one. */
  logicalId: string | null;
  /** The id Pub/Sub (or the local stand-in) gave this publish; redeliveries keep it. */
  deliveryId: string;
  deliveryAttempt: number;
  payload: T;
}

/**
 * Validates a push envelope and its base64 JSON payload against `payloadSchema`.
 * Throws MalformedMessageError (a permanent failure: answer 400, never retry).
 */
export function decodePushEnvelope<T>(body: unknown, payloadSchema: z.ZodType<T>): DecodedPush<T> {
  if (body === null || body === undefined || typeof body !== 'object') {
    throw new MalformedMessageError('(root)', 'expected a JSON object with a "message" field');
  }
  const envelope = plainlyValidEnvelope(body) ? body : parsedEnvelope(body);
  const { message } = envelope;
  const deliveryId = message.messageId ?? message.message_id;
  if (!deliveryId) throw new MalformedMessageError('message.messageId', 'missing');
  const logicalId = message.attributes?.[LOGICAL_ID_ATTRIBUTE];
  if (logicalId !== undefined && !LOGICAL_ID.test(logicalId)) {
    throw new MalformedMessageError(
      `message.attributes.${LOGICAL_ID_ATTRIBUTE}`,
      'expected 1 to 200 letters, digits, ".", "_", ":" or "-"',
    );
  }
  if (!/^[A-Za-z0-9+/=_-]+$/.test(message.data)) {
    throw new MalformedMessageError('message.data', 'is not base64');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8'));
  } catch {
    throw new MalformedMessageError('message.data', 'is not base64-encoded JSON');
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) throw toMalformedMessageError(payload.error, 'message.data');
  return {
    messageId: logicalId ?? deliveryId,
    logicalId: logicalId ?? null,
    deliveryId,
    deliveryAttempt: envelope.deliveryAttempt ?? message.deliveryAttempt ?? 1,
    payload: payload.data,
  };
}

function parsedEnvelope(body: unknown): PushEnvelope {
  const envelope = PushEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw toMalformedMessageError(envelope.error);
  return envelope.data;
}

/** The body a push subscription POSTs; `logicalId` travels as the attribute Pub/Sub would carry. */
export function encodePushEnvelope(
  payload: unknown,
  deliveryId: string,
  subscription: string,
  deliveryAttempt = 1,
  logicalId?: string,
): PushEnvelope {
  return {
    message: {
      data: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'),
      messageId: deliveryId,
      publishTime: new Date().toISOString(),
      attributes: logicalId === undefined ? {} : { [LOGICAL_ID_ATTRIBUTE]: logicalId },
    },
    subscription,
    deliveryAttempt,
  };
}

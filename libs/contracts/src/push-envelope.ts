import { z } from 'zod';

/** The body Pub/Sub POSTs to a push subscription (and what the local publisher POSTs too). */
export const PushEnvelopeSchema = z.object({
  message: z.object({
    data: z.string().min(1, 'message.data is empty'),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    deliveryAttempt: z.number().int().positive().optional(),
  }),
  subscription: z.string().optional(),
  deliveryAttempt: z.number().int().positive().optional(),
});
export type PushEnvelope = z.infer<typeof PushEnvelopeSchema>;

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
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
  messageId: string;
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
  const envelope = PushEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw toMalformedMessageError(envelope.error);
  const { message } = envelope.data;
  const messageId = message.messageId ?? message.message_id;
  if (!messageId) throw new MalformedMessageError('message.messageId', 'missing');
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
    messageId,
    deliveryAttempt: envelope.data.deliveryAttempt ?? message.deliveryAttempt ?? 1,
    payload: payload.data,
  };
}

export function encodePushEnvelope(payload: unknown, messageId: string, subscription: string, deliveryAttempt = 1): PushEnvelope {
  return {
    message: {
      data: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription,
    deliveryAttempt,
  };
}

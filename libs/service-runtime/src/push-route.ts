import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  MalformedMessageError,
  REJECTIONS_STORED_PER_BATCH,
  ServiceError,
  decodePushEnvelope,
  errorMessage,
  rejectedMessage,
  rejectionBatchKey,
  type DecodedPush,
  type RecordOutcome,
  type RejectedMessage,
  type RejectedMessageStore,
} from '@props/contracts';
import { LogEvent } from '@props/observability';

/** A Pub/Sub push endpoint: what it accepts, who it is, and where what it can never process goes. */
export interface PushRoute<T> {
  path: string;
  /** The service recorded with each rejection (worker, coordinator). */
  service: string;
  payload: z.ZodType<T>;
  rejected: RejectedMessageStore;
  /**
   * Processes one decoded message. Throws MalformedMessageError for a message that can never be
   * processed (it is recorded and acknowledged); any other error is answered by its kind (a
   * transient one with 503, so Pub/Sub redelivers). Returns the headers of the 204, if any.
   */
  handle: (message: DecodedPush<T>, request: FastifyRequest) => Promise<Record<string, string> | void>;
}

/**
 * Registers a push endpoint: decode the envelope and its payload, handle it, and answer as Pub/Sub
 * push needs (https://cloud.google.com/pubsub/docs/push#receive_push: only 102/200/201/202/204
 * acknowledge, everything else is redelivered). Handled: 204. Never processable: recorded, then
 * 200 naming the field and the problem, so it is neither lost nor redelivered; if it cannot be
 * recorded, a transient error, so Pub/Sub redelivers and the record is tried again.
 */
export function registerPushRoute<T>(app: FastifyInstance, route: PushRoute<T>): void {
  app.post(route.path, async (request, reply) => {
    try {
      const headers = await route.handle(decodePushEnvelope(request.body, route.payload), request);
      return reply
        .code(204)
        .headers(headers ?? {})
        .send();
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      return recordAndAcknowledge(route, error, request, reply);
    }
  });
}

async function recordAndAcknowledge<T>(
  route: PushRoute<T>,
  error: MalformedMessageError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { field, problem } = error;
  const outcome = await recordRejection(
    route.rejected,
    rejectedMessage(route.service, request.body, { field, problem }),
    request,
  );
  return reply
    .code(200)
    .send({ acknowledged: true, rejected: { field, problem }, ...(outcome.stored ? {} : { stored: false }) });
}

/**
 * Logs and records a message (or one player of a group message) that can never be processed. A
 * record that fails is a transient error, so Pub/Sub redelivers and the record is tried again.
 */
export async function recordRejection(
  store: RejectedMessageStore,
  rejection: RejectedMessage,
  request: FastifyRequest,
): Promise<RecordOutcome> {
  const { field, problem } = rejection;
  request.log.warn(
    {
      event: LogEvent.messageRejected,
      field,
      problem,
      message_id: rejection.message_id,
      delivery_id: rejection.delivery_id,
    },
    `rejected message: ${field}: ${problem}`,
  );
  let outcome: RecordOutcome;
  try {
    outcome = await store.record(rejection);
  } catch (failure) {
    request.log.error(
      { event: LogEvent.requestFailed, reason: errorMessage(failure) },
      `could not record a rejected message: ${errorMessage(failure)}`,
    );
    throw new ServiceError('rejection_not_recorded', 'the rejected message could not be recorded; retry');
  }
  // Alerted once per batch: on the first rejection counted instead of stored.
  if (!outcome.stored && outcome.overCap === 1) {
    const batch = rejectionBatchKey(rejection);
    request.log.error(
      { event: LogEvent.rejectedMessagesCapped, batch, cap: REJECTIONS_STORED_PER_BATCH },
      `batch ${batch}: ${REJECTIONS_STORED_PER_BATCH} rejected messages stored; later ones are counted, not stored`,
    );
  }
  return outcome;
}

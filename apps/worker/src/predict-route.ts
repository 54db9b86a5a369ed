import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  LOGICAL_ID_ATTRIBUTE,
  MalformedMessageError,
  PredictionRequestSchema,
  ServiceError,
  type RejectedMessageStore,
} from '@props/contracts';
import { FeatureVectorError } from '@props/feature-vector';
import { PublishError } from '@props/messaging';
import { INVALID_FEATURES, PredictionInputError } from '@props/models';
import { LogEvent } from '@props/observability';
import { StagingWriteError } from '@props/prediction-store';
import { registerPushRoute } from '@props/service-runtime';
import type { PredictionPipeline } from './prediction-pipeline';

/**
 * `POST /predict`, the Pub/Sub push endpoint (registerPushRoute answers): a message that can never
 * be processed (malformed, invalid features) is recorded and acknowledged naming the field and the
 * problem, nothing staged; 204 once the rows are staged and the completion event published; 503
 * (transient) when staging or publishing failed, so Pub/Sub redelivers.
 */
export function registerPredictRoute(
  app: FastifyInstance,
  pipeline: PredictionPipeline,
  rejected: RejectedMessageStore,
): void {
  registerPushRoute(app, {
    path: '/predict',
    service: 'worker',
    payload: PredictionRequestSchema,
    rejected,
    handle: async ({ messageId, logicalId, deliveryId, payload }, request) => {
      // The logical id names the batch and player it was published for; content under another's id
      // (a forged payload reusing a real id from the open /status) is refused, never staged.
      // Without a logical id, the delivery id names the staging: one that cannot be a file or table name is refused, not retried.
      if (logicalId === null && !/^[A-Za-z0-9_.-]{1,200}$/.test(messageId))
        throw new MalformedMessageError('message.messageId', 'expected 1 to 200 letters, digits, ".", "_" or "-"');
      if (logicalId !== null && logicalId !== `${payload.batch_id}.${payload.player_lookup}`)
        throw new MalformedMessageError(
          `message.attributes.${LOGICAL_ID_ATTRIBUTE}`,
          "does not name the payload's batch_id and player_lookup (expected <batch_id>.<player_lookup>)",
        );
      const context = {
        message_id: messageId,
        delivery_id: deliveryId,
        batch_id: payload.batch_id,
        player_lookup: payload.player_lookup,
        game_date: payload.game_date,
      };
      try {
        const result = await pipeline.handle(messageId, payload);
        const invalid = result.skipped.find((skip) => skip.reason.startsWith(`${INVALID_FEATURES}:`));
        if (invalid)
          request.log.warn({ event: LogEvent.invalidFeatures, ...context, reason: invalid.reason }, invalid.reason);
        request.log.info(
          { event: LogEvent.predictionStaged, ...context, rows: result.rowsStaged, skipped: result.skipped },
          `staged ${result.rowsStaged} rows`,
        );
      } catch (error) {
        throw pushFailure(error, request, context);
      }
    },
  });
}

/**
 * What a failed prediction answers: features or inputs the models cannot use can never succeed
 * (recorded and acknowledged); a staging or publishing failure is logged with its event and is
 * transient (redelivered); anything else stays as it is (an internal error).
 */
function pushFailure(error: unknown, request: FastifyRequest, context: Record<string, string>): unknown {
  if (error instanceof FeatureVectorError)
    return new MalformedMessageError(`message.data.features.${error.field}`, error.problem);
  if (error instanceof PredictionInputError)
    return new MalformedMessageError(`message.data.${error.field}`, error.problem);
  if (!(error instanceof StagingWriteError || error instanceof PublishError)) return error;
  const staging = error instanceof StagingWriteError;
  request.log.error(
    {
      event: staging ? LogEvent.stagingWriteFailed : LogEvent.completionPublishFailed,
      ...context,
      reason: error.message,
    },
    error.message,
  );
  return new ServiceError(staging ? 'staging_failed' : 'completion_publish_failed', 'transient failure, retry');
}

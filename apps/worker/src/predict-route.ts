import type { FastifyInstance } from 'fastify';
import {
  LOGICAL_ID_ATTRIBUTE,
  MalformedMessageError,
  PredictionRequestSchema,
  decodePushEnvelope,
  rejectedMessage,
} from '@props/contracts';
import { FeatureVectorError } from '@props/feature-loader';
import { PublishError, acknowledgeRejection, type RejectedMessageStore } from '@props/messaging';
import { INVALID_FEATURES, PredictionInputError } from '@props/models';
import { LogEvent } from '@props/observability';
import { StagingWriteError } from '@props/prediction-store';
import type { PredictionPipeline } from './prediction-pipeline';

/**
 * `POST /predict`, the Pub/Sub push endpoint. Pub/Sub redelivers every answer but 102/200/201/202/
 * 204, so: a message that can never be processed (malformed, invalid features) is recorded in the
 * rejected messages and acknowledged with 200 naming the field and the problem, nothing staged;
 * 204 once the rows are staged and the completion event published; 500 when staging or
 * publishing (or recording a rejection) failed, so Pub/Sub redelivers.
 */
export function registerPredictRoute(
  app: FastifyInstance,
  pipeline: PredictionPipeline,
  rejected: RejectedMessageStore,
): void {
  app.post('/predict', async (request, reply) => {
    const reject = async (field: string, problem: string) => {
      const rejection = rejectedMessage('worker', request.body, { field, problem });
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
      const answer = await acknowledgeRejection(rejected, rejection);
      if (answer.capReached)
        request.log.error(
          { event: LogEvent.rejectedMessagesCapped, ...answer.capReached },
          `batch ${answer.capReached.batch}: ${answer.capReached.cap} rejected messages stored; later ones are counted, not stored`,
        );
      if (answer.failure)
        request.log.error(
          { event: LogEvent.requestFailed, reason: answer.failure },
          `could not record a rejected message: ${answer.failure}`,
        );
      return reply.code(answer.status).send(answer.body);
    };
    let decoded;
    try {
      decoded = decodePushEnvelope(request.body, PredictionRequestSchema);
    } catch (error) {
      if (error instanceof MalformedMessageError) return reject(error.field, error.problem);
      throw error;
    }
    const { messageId, payload } = decoded;
    // The logical id names the batch and player it was published for; content under another's id
    // (a forged payload reusing a real id from the open /status) is refused, never staged.
    const published = decoded.logicalId;
    // Without a logical id, the delivery id names the staging: one that cannot be a file or table name is refused, not retried.
    if (published === null && !/^[A-Za-z0-9_.-]{1,200}$/.test(messageId))
      return reject('message.messageId', 'expected 1 to 200 letters, digits, ".", "_" or "-"');
    if (published !== null && published !== `${payload.batch_id}.${payload.player_lookup}`)
      return reject(
        `message.attributes.${LOGICAL_ID_ATTRIBUTE}`,
        "does not name the payload's batch_id and player_lookup (expected <batch_id>.<player_lookup>)",
      );
    const context = {
      message_id: messageId,
      delivery_id: decoded.deliveryId,
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
      return reply.code(204).send();
    } catch (error) {
      if (error instanceof FeatureVectorError) return reject(`message.data.features.${error.field}`, error.problem);
      if (error instanceof PredictionInputError) return reject(`message.data.${error.field}`, error.problem);
      if (error instanceof StagingWriteError || error instanceof PublishError) {
        request.log.error(
          {
            event: error instanceof StagingWriteError ? LogEvent.stagingWriteFailed : LogEvent.completionPublishFailed,
            ...context,
            reason: error.message,
          },
          error.message,
        );
        return reply.code(500).send({
          error: 'transient failure, retry',
          code: error instanceof StagingWriteError ? 'staging_failed' : 'completion_publish_failed',
        });
      }
      throw error;
    }
  });
}

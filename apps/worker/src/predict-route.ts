import type { FastifyInstance } from 'fastify';
import { MalformedMessageError, PredictionRequestSchema, decodePushEnvelope } from '@props/contracts';
import { FeatureVectorError } from '@props/feature-loader';
import { PublishError } from '@props/messaging';
import { PredictionInputError } from '@props/models';
import { LogEvent } from '@props/observability';
import { StagingWriteError } from '@props/prediction-store';
import type { PredictionPipeline } from './prediction-pipeline';

/**
 * `POST /predict`, the Pub/Sub push endpoint. 400 with the field and the problem for anything
 * malformed (acknowledged, never retried); 204 once the rows are staged and the completion event
 * published; 500 when staging or publishing failed, so Pub/Sub redelivers.
 */
export function registerPredictRoute(app: FastifyInstance, pipeline: PredictionPipeline): void {
  app.post('/predict', async (request, reply) => {
    const reject = (field: string, problem: string) => {
      request.log.warn({ event: LogEvent.messageRejected, field, problem }, `rejected message: ${field}: ${problem}`);
      return reply.code(400).send({ error: 'malformed message', field, problem });
    };
    let decoded;
    try {
      decoded = decodePushEnvelope(request.body, PredictionRequestSchema);
    } catch (error) {
      if (error instanceof MalformedMessageError) return reject(error.field, error.problem);
      throw error;
    }
    const { messageId, payload } = decoded;
    const context = { message_id: messageId, batch_id: payload.batch_id, player_lookup: payload.player_lookup, game_date: payload.game_date };
    try {
      const result = await pipeline.handle(messageId, payload);
      request.log.info({ event: LogEvent.predictionStaged, ...context, rows: result.rowsStaged, skipped: result.skipped }, `staged ${result.rowsStaged} rows`);
      return reply.code(204).send();
    } catch (error) {
      if (error instanceof FeatureVectorError) return reject(`message.data.features.${error.field}`, error.problem);
      if (error instanceof PredictionInputError) return reject(`message.data.${error.field}`, error.problem);
      if (error instanceof StagingWriteError || error instanceof PublishError) {
        request.log.error({ event: error instanceof StagingWriteError ? LogEvent.stagingWriteFailed : LogEvent.completionPublishFailed, ...context, reason: error.message }, error.message);
        return reply.code(500).send({ error: 'transient failure, retry', reason: error.message });
      }
      throw error;
    }
  });
}

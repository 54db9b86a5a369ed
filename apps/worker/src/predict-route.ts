import type { FastifyInstance } from 'fastify';
import { MalformedMessageError, PredictionRequestSchema, decodePushEnvelope } from '@props/contracts';
import { LogEvent } from '@props/observability';

/**
 * `POST /predict`, the Pub/Sub push endpoint. A malformed envelope or message is answered 400 with
 * the field and the problem, so Pub/Sub acknowledges it and never retries it.
 */
export function registerPredictRoute(app: FastifyInstance): void {
  app.post('/predict', async (request, reply) => {
    let decoded;
    try {
      decoded = decodePushEnvelope(request.body, PredictionRequestSchema);
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      request.log.warn({ event: LogEvent.messageRejected, field: error.field, problem: error.problem }, `rejected message: ${error.message}`);
      return reply.code(400).send({ error: 'malformed message', field: error.field, problem: error.problem });
    }
    request.log.error({ event: 'prediction_pipeline_missing', message_id: decoded.messageId }, 'prediction systems are not assembled in this build');
    return reply.code(501).send({ error: 'prediction systems are not assembled in this build' });
  });
}

import type { FastifyInstance } from 'fastify';
import { StartBatchRequestSchema, toMalformedMessageError } from '@props/contracts';

/** `POST /start {game_date, force?, dataset_prefix?}`: a bad body is a 400 naming the field. */
export function registerStartRoute(app: FastifyInstance): void {
  app.post('/start', async (request, reply) => {
    const parsed = StartBatchRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const error = toMalformedMessageError(parsed.error);
      return reply.code(400).send({ error: 'invalid request', field: error.field, problem: error.problem });
    }
    return reply.code(501).send({ error: 'batch orchestration is not assembled in this build' });
  });
}

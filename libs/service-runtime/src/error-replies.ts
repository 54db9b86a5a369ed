import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';

/**
 * The one place a thrown error becomes an answer. A 4xx (malformed JSON, a body over the limit)
 * keeps its message, which is about the caller's input; a 5xx says only that the request failed,
 * with a stable code: what failed, and where, goes to the log.
 */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ event: LogEvent.requestFailed, path: request.url, reason: error.message, stack: error.stack }, `request failed: ${error.message}`);
      return reply.code(status).send({ error: 'the request failed; the service log has the details', code: 'internal_error' });
    }
    return reply.code(status).send({ error: error.message, code: error.code ?? 'bad_request' });
  });
}

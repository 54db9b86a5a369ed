import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';

const PUBLIC_CODE = /^[a-z][a-z_]{2,40}$/;

/**
 * The one place a thrown error becomes an answer. A 4xx (malformed JSON, a body over the limit)
 * keeps its message, which is about the caller's input; a 5xx says only that the request failed,
 * with a stable code: what failed, and where, goes to the log. An error that declares 503 (a
 * dependency that cannot be reached or opened) keeps its own lowercase code, so a caller knows a
 * retry later may succeed.
 */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error(
        { event: LogEvent.requestFailed, path: request.url, reason: error.message, stack: error.stack },
        `request failed: ${error.message}`,
      );
      if (status === 503)
        return reply.code(503).send({
          error: 'a dependency of the service is unavailable; retry later (the service log has the details)',
          code: typeof error.code === 'string' && PUBLIC_CODE.test(error.code) ? error.code : 'unavailable',
        });
      return reply
        .code(status)
        .send({ error: 'the request failed; the service log has the details', code: 'internal_error' });
    }
    return reply.code(status).send({ error: error.message, code: error.code ?? 'bad_request' });
  });
}

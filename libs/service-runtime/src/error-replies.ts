import type { FastifyInstance } from 'fastify';
import { HTTP_STATUS_OF_KIND, ServiceError } from '@props/contracts';
import { LogEvent } from '@props/observability';

/**
 * The one place a thrown error becomes an answer, in every service. A ServiceError answers the
 * status of its kind (invalid 400, refused 409, unprocessable 422, unavailable and transient 503)
 * with its stable code and its public message. Fastify's own 4xx (malformed JSON, a body over the
 * limit) keep their message, which is about the caller's input. Anything else is a 500 that says
 * only that the request failed: what failed, and where, goes to the log, as does every 5xx.
 */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const known = error instanceof ServiceError;
    const status = known
      ? HTTP_STATUS_OF_KIND[error.kind]
      : error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status >= 500)
      request.log.error(
        {
          event: LogEvent.requestFailed,
          path: request.url,
          reason: error.message,
          code: error.code,
          stack: error.stack,
        },
        `request failed: ${error.message}`,
      );
    if (known) return reply.code(status).send({ error: error.publicMessage, code: error.code, ...error.replyFields() });
    if (status === 500)
      return reply
        .code(500)
        .send({ error: 'the request failed; the service log has the details', code: 'internal_error' });
    return reply.code(status).send({ error: error.message, code: error.code ?? 'bad_request' });
  });
}

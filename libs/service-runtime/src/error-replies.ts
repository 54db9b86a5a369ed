import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServiceError, type ErrorCode } from '@props/contracts';
import { LogEvent } from '@props/observability';
import { HTTP_STATUS_OF_KIND } from './http-status-of-kind';

const INTERNAL_ERROR: ErrorCode = 'internal_error';
const BAD_REQUEST: ErrorCode = 'bad_request';

/** Answers a ServiceError with the status of its kind, its stable code, its public message and its reply fields. */
export function replyWithError(reply: FastifyReply, error: ServiceError): FastifyReply {
  return reply
    .code(HTTP_STATUS_OF_KIND[error.kind])
    .send({ error: error.publicMessage, code: error.code, ...error.replyFields() });
}

/**
 * The one place a thrown error becomes an answer, in every service. A ServiceError answers the
 * status of its kind (HTTP_STATUS_OF_KIND) with its stable code and its public message. Fastify's
 * own 4xx (malformed JSON, a body over the limit) keep their message and code, which are about the
 * caller's input. Anything else is a 500 `internal_error` that says only that the request failed:
 * what failed, and where, goes to the log, as does every 5xx.
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
    if (known) return replyWithError(reply, error);
    if (status === 500)
      return reply
        .code(500)
        .send({ error: 'the request failed; the service log has the details', code: INTERNAL_ERROR });
    return reply.code(status).send({ error: error.message, code: error.code ?? BAD_REQUEST });
  });
}

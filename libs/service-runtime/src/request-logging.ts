import { LogController, type FastifyInstance } from 'fastify';
import { traceFields } from '@props/observability';

const PROBES = /^\/(health(\/|$)|ready$)/;

/** Fastify's own two lines per request off: registerRequestLogging writes one instead. */
export function quietRequestLogs(): { logController: LogController } {
  return { logController: new LogController({ disableRequestLogging: true }) };
}

/**
 * One line per request (the service is built with quietRequestLogs()), every line of a request
 * carrying its trace, and health probes only when they fail: Cloud Run probes every few seconds,
 * and two lines per probe buried everything else.
 */
export function registerRequestLogging(app: FastifyInstance, projectId: string | undefined): void {
  app.addHook('onRequest', async (request) => {
    const fields = traceFields(request.headers, projectId);
    if (Object.keys(fields).length > 0) request.log = request.log.child(fields);
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const failed = reply.statusCode >= 500;
    if (PROBES.test(path) && reply.statusCode < 400) return;
    const line = { method: request.method, path, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime) };
    if (failed || (PROBES.test(path) && reply.statusCode >= 400))
      request.log.warn(line, `${request.method} ${path} answered ${reply.statusCode}`);
    else request.log.info(line, `${request.method} ${path} answered ${reply.statusCode}`);
  });
}

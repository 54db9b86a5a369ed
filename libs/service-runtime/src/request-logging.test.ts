import { PassThrough } from 'node:stream';
import fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@props/observability';
import { registerErrorReplies } from './error-replies';
import { quietRequestLogs, registerRequestLogging } from './request-logging';

/** A service as the apps build it, logging into lines this test reads. */
function service(projectId: string | undefined) {
  const stream = new PassThrough();
  const lines: Array<Record<string, any>> = [];
  stream.on('data', (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    ),
  );
  const app = fastify({
    loggerInstance: createLogger({ service: 'test', destination: stream }) as FastifyBaseLogger,
    ...quietRequestLogs(),
  });
  registerRequestLogging(app, projectId);
  registerErrorReplies(app);
  let ready = true;
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) =>
    reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'failed' }),
  );
  app.post('/work', async (request) => {
    request.log.info({ event: 'work_done' }, 'worked');
    return { ok: true };
  });
  app.post('/broken', async () => {
    throw new Error('the disk is full');
  });
  return { app, lines, fail: () => (ready = false) };
}

describe('request logging', () => {
  it('logs health probes only when they fail, one line per other request', async () => {
    const { app, lines, fail } = service(undefined);
    for (let probe = 0; probe < 20; probe += 1) {
      await app.inject({ method: 'GET', url: '/health' });
      await app.inject({ method: 'GET', url: '/health/ready' });
    }
    expect(lines).toEqual([]);
    fail();
    await app.inject({ method: 'GET', url: '/health/ready' });
    await app.inject({ method: 'POST', url: '/work' });
    expect(lines.map((line) => [line.severity, line.message])).toEqual([
      ['WARNING', 'GET /health/ready answered 503'],
      ['INFO', 'worked'],
      ['INFO', 'POST /work answered 200'],
    ]);
  });

  it.each([
    ['x-cloud-trace-context', '105445aa7843bc8bf206b12000100000/1;o=1', '0000000000000001', true],
    ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00', 'b7ad6b7169203331', false],
  ])('puts the trace from %s on every line of the request', async (header, value, spanId, sampled) => {
    const { app, lines } = service('props-test');
    await app.inject({ method: 'POST', url: '/work', headers: { [header]: value } });
    const traceId = header === 'traceparent' ? '0af7651916cd43dd8448eb211c80319c' : '105445aa7843bc8bf206b12000100000';
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line['logging.googleapis.com/trace']).toBe(`projects/props-test/traces/${traceId}`);
      expect(line['logging.googleapis.com/spanId']).toBe(spanId);
      expect(line['logging.googleapis.com/trace_sampled']).toBe(sampled);
    }
  });

  it('writes a failed request in the shape Error Reporting picks up, with its stack', async () => {
    const { app, lines } = service('props-test');
    await app.inject({ method: 'POST', url: '/broken', headers: { 'x-cloud-trace-context': 'garbage' } });
    const error = lines.find((line) => line.severity === 'ERROR')!;
    expect(error['@type']).toBe('type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent');
    expect(error.serviceContext.service).toBe('test');
    expect(error.stack_trace).toMatch(/^Error: the disk is full\n\s+at /);
    expect(error['logging.googleapis.com/trace']).toBeUndefined();
    expect(lines.filter((line) => line.severity !== 'ERROR').every((line) => line['@type'] === undefined)).toBe(true);
  });
});

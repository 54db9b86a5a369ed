import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssembledService } from '@props/service-runtime';
import { assembleWorker } from './assemble-worker';

let worker: AssembledService;

beforeAll(async () => {
  worker = await assembleWorker({ PORT: '0', LOG_LEVEL: 'fatal' });
  await worker.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => worker.app.close());

async function post(body: string, contentType = 'application/json') {
  const { port } = worker.app.server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/predict`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('worker POST /predict', () => {
  it.each([
    ['an empty object', '{}', 'message'],
    ['a message without data', '{"message":{"messageId":"m"}}', 'message.data'],
    ['data that is not JSON', `{"message":{"data":"${Buffer.from('nope').toString('base64')}","messageId":"m"}}`, 'message.data'],
    ['a payload without player_lookup', `{"message":{"data":"${Buffer.from('{"batch_id":"b"}').toString('base64')}","messageId":"m"}}`, 'message.data.player_lookup'],
  ])('answers 400 naming the field for %s, so Pub/Sub does not retry', async (_label, body, field) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
  });

  it('answers 400 for a body that is not JSON at all', async () => {
    const response = await post('{not json');
    expect(response.status).toBe(400);
  });

  it('reports readiness with its checks and the commit', async () => {
    const response = await worker.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { status: string; commit: string; checks: Array<{ name: string; status: string }> };
    expect(body.checks.map((check) => check.name)).toEqual(['configuration', 'onnxruntime-node', 'model catboost_v8', 'model xgboost_v1']);
    expect(body.checks.every((check) => check.status === 'ok')).toBe(true);
    expect(body.commit).toBeTruthy();
  });
});

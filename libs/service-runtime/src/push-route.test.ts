import fastify from 'fastify';
import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MalformedMessageError,
  ServiceError,
  encodePushEnvelope,
  type RejectedMessage,
  type RejectedMessageStore,
} from '@props/contracts';
import { registerErrorReplies } from './error-replies';
import { registerPushRoute, type PushRoute } from './push-route';

const Payload = z.object({ player: z.string().min(1) });
type Handle = PushRoute<z.infer<typeof Payload>>['handle'];

const recorded: RejectedMessage[] = [];
const store: RejectedMessageStore = {
  name: 'memory',
  record: async (rejection) => {
    recorded.push(rejection);
    return { stored: true };
  },
  removeOlderThan: async () => 0,
};
const broken: RejectedMessageStore = {
  name: 'broken',
  record: async () => Promise.reject(new Error('disk full')),
  removeOlderThan: async () => 0,
};
afterEach(() => {
  recorded.length = 0;
});

async function push(body: unknown, handle: Handle, rejected = store) {
  const app = fastify({ logger: false });
  registerErrorReplies(app);
  registerPushRoute(app, { path: '/push', service: 'tester', payload: Payload, rejected, handle });
  const response = await app.inject({ method: 'POST', url: '/push', payload: body as object });
  await app.close();
  return { status: response.statusCode, headers: response.headers, body: response.body ? response.json() : null };
}

const valid = encodePushEnvelope({ player: 'exampleplayer' }, 'delivery-1', 'projects/p/subscriptions/s');

describe('a push route (decode, handle, record and acknowledge or rethrow)', () => {
  it('hands the decoded payload to the handler and answers 204 with its headers', async () => {
    const seen: unknown[] = [];
    const answer = await push(valid, async (message) => {
      seen.push(message.payload);
      return { 'x-completion': 'recorded' };
    });
    expect([answer.status, answer.headers['x-completion'], seen]).toEqual([
      204,
      'recorded',
      [{ player: 'exampleplayer' }],
    ]);
  });

  it('records and acknowledges (200, the field and the problem) a payload failing its schema, without calling the handler', async () => {
    const bad = encodePushEnvelope({ player: '' }, 'delivery-2', 'projects/p/subscriptions/s');
    const answer = await push(bad, async () => {
      throw new Error('must not be called');
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { acknowledged: true, rejected: { field: 'message.data.player' } },
    });
    expect(recorded).toMatchObject([{ service: 'tester', delivery_id: 'delivery-2', field: 'message.data.player' }]);
  });

  it('records and acknowledges a MalformedMessageError the handler throws (a message the service can never process)', async () => {
    const answer = await push(valid, async () => {
      throw new MalformedMessageError('message.data.features.values', 'has 32 values, expected 33');
    });
    expect(answer.body).toEqual({
      acknowledged: true,
      rejected: { field: 'message.data.features.values', problem: 'has 32 values, expected 33' },
    });
    expect(recorded).toHaveLength(1);
  });

  it('answers 503 rejection_not_recorded when the rejection cannot be recorded, so Pub/Sub redelivers it', async () => {
    const answer = await push({}, async () => undefined, broken);
    expect(answer).toEqual({
      status: 503,
      headers: expect.anything(),
      body: { error: 'the rejected message could not be recorded; retry', code: 'rejection_not_recorded' },
    });
  });

  it('answers a transient error 503 and an unexpected one 500, never acknowledging either', async () => {
    const transient = await push(valid, async () => {
      throw new ServiceError('staging_failed', 'transient failure, retry');
    });
    expect([transient.status, transient.body]).toEqual([
      503,
      { error: 'transient failure, retry', code: 'staging_failed' },
    ]);
    const unexpected = await push(valid, async () => {
      throw new Error('boom');
    });
    expect([unexpected.status, unexpected.body.code]).toEqual([500, 'internal_error']);
    expect(recorded).toHaveLength(0);
  });
});

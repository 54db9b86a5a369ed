import { createServer, type Server } from 'node:http';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { LOGICAL_ID_ATTRIBUTE, decodePushEnvelope } from '@props/contracts';
import { HttpPushPublisher } from '../local/http-push-publisher';
import { emulatorUnavailable, startEmulator } from '@props/emulators';
import { PubSubPublisher } from './pubsub-publisher';

const unavailable = emulatorUnavailable('pubsub');
const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
if (unavailable && !required) console.log(`Pub/Sub contract skipped: ${unavailable}`);

const Payload = z.object({ player_lookup: z.string(), n: z.number() });

/** A push endpoint that answers the first `failures` deliveries with `status`, then keeps every body. */
function endpoint(failures: number, status = 500) {
  const bodies: unknown[] = [];
  let failed = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (failed < failures) {
        failed += 1;
        response.statusCode = status;
      } else {
        bodies.push(JSON.parse(body));
        response.statusCode = 204;
      }
      response.end();
    });
  });
  return { server, bodies, attempts: () => failed + bodies.length };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/push`;
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

describe.skipIf(unavailable !== undefined && !required)(
  'Pub/Sub push, real emulator against the local push stand-in (contract)',
  () => {
    let emulator: { host: string; stop(): Promise<void> };
    let pubsub: PubSub;

    beforeAll(async () => {
      emulator = await startEmulator('pubsub');
      process.env.PUBSUB_EMULATOR_HOST = emulator.host;
      pubsub = new PubSub({ projectId: 'props-test' });
    }, 90_000);
    afterAll(async () => {
      await pubsub?.close();
      delete process.env.PUBSUB_EMULATOR_HOST;
      await emulator?.stop();
    });

    it('delivers the envelope decodePushEnvelope reads, with the caller id as the logical id, and the local stand-in sends the same shape', async () => {
      const push = endpoint(0);
      const url = await listen(push.server);
      const [topic] = await pubsub.createTopic('prediction-request');
      await topic.createSubscription('to-worker', { pushConfig: { pushEndpoint: url } });
      const payload = { player_lookup: 'lebronjames', n: 1 };
      const publisher = new PubSubPublisher(pubsub);
      const deliveryId = await publisher.publish('prediction-request', payload, { messageId: 'batch_x.lebronjames' });
      await until(() => push.bodies.length === 1);
      const real = push.bodies[0] as {
        message: { attributes: Record<string, string>; messageId: string };
        subscription: string;
      };
      const decoded = decodePushEnvelope(real, Payload);
      expect(decoded.payload).toEqual(payload);
      expect(decoded.deliveryId).toBe(deliveryId);
      expect(decoded.messageId).toBe('batch_x.lebronjames');
      expect(real.message.attributes[LOGICAL_ID_ATTRIBUTE]).toBe('batch_x.lebronjames');
      // A re-publish (the stall check's) is a new Pub/Sub message under the same logical id.
      const again = await publisher.publish('prediction-request', payload, { messageId: 'batch_x.lebronjames' });
      await until(() => push.bodies.length === 2);
      const second = decodePushEnvelope(push.bodies[1], Payload);
      expect(again).not.toBe(deliveryId);
      expect([second.deliveryId, second.messageId]).toEqual([again, 'batch_x.lebronjames']);
      expect(real.subscription).toBe('projects/props-test/subscriptions/to-worker');

      const local = endpoint(0);
      const localUrl = await listen(local.server);
      await new HttpPushPublisher({ endpoints: { 'prediction-request': localUrl } }).publish(
        'prediction-request',
        payload,
        { messageId: 'batch_x.lebronjames' },
      );
      const stand = local.bodies[0] as { message: Record<string, unknown> };
      // deliveryAttempt is sent by Pub/Sub only with a dead-letter policy; the stand-in always sends it.
      const shape = (envelope: object) =>
        Object.keys(envelope)
          .filter((key) => key !== 'deliveryAttempt')
          .sort();
      expect(shape(stand)).toEqual(shape(real));
      for (const key of ['data', 'messageId', 'attributes', 'publishTime'])
        expect(key in stand.message && key in real.message, key).toBe(true);
      expect(decodePushEnvelope(stand, Payload)).toMatchObject({ payload, messageId: 'batch_x.lebronjames' });
      push.server.close();
      local.server.close();
    }, 90_000);

    it.each([500, 400, 401])(
      'redelivers after a %i (only 102/200/201/202/204 acknowledge), as the local stand-in does',
      async (status) => {
        const push = endpoint(2, status);
        const url = await listen(push.server);
        const [topic] = await pubsub.createTopic(`prediction-ready-${status}`);
        await topic.createSubscription(`to-coordinator-${status}`, {
          pushConfig: { pushEndpoint: url },
          retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
        });
        await new PubSubPublisher(pubsub).publish(`prediction-ready-${status}`, { player_lookup: 'x', n: 2 });
        await until(() => push.bodies.length === 1, 80_000);
        expect(push.attempts()).toBe(3);

        const local = endpoint(2, status);
        const localUrl = await listen(local.server);
        await new HttpPushPublisher({ endpoints: { 'prediction-ready': localUrl }, initialBackoffMs: 20 }).publish(
          'prediction-ready',
          { player_lookup: 'x', n: 2 },
        );
        expect(local.attempts()).toBe(3);
        push.server.close();
        local.server.close();
      },
      120_000,
    );
  },
);

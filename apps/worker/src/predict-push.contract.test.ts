import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { HttpPushPublisher, PubSubPublisher, type Publisher } from '@props/messaging';
import type { AssembledService } from '@props/service-runtime';
import { assembleWorker } from './assemble-worker';
import { validRequest } from './test-support/valid-request';

const unavailable = emulatorUnavailable('pubsub');
const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
if (unavailable && !required) console.log(`worker push contract skipped: ${unavailable}`);

const root = resolve(import.meta.dirname, '../../..');
const settle = (ms: number) => new Promise((resolveWait) => setTimeout(resolveWait, ms));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await settle(100);
  }
}

describe.skipIf(unavailable !== undefined && !required)(
  'the worker behind a real Pub/Sub push subscription, and behind the local stand-in (contract)',
  () => {
    let emulator: RunningEmulator;
    let pubsub: PubSub;
    let worker: AssembledService;
    let dataDir: string;
    let completionFailures = 0;
    const servers: Server[] = [];
    /** Every delivery to /predict, per logical message, with the worker's answer. */
    const deliveries = new Map<string, number[]>();

    beforeAll(async () => {
      emulator = await startEmulator('pubsub');
      process.env.PUBSUB_EMULATOR_HOST = emulator.host;
      pubsub = new PubSub({ projectId: 'props-test' });
      // The coordinator's /complete, failing while completionFailures lasts: a transient failure.
      const completions = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          response.statusCode = completionFailures > 0 ? 503 : 204;
          completionFailures = Math.max(0, completionFailures - 1);
          response.end();
        });
      });
      servers.push(completions);
      dataDir = mkdtempSync(join(tmpdir(), 'props-push-'));
      worker = await assembleWorker({
        PORT: '0',
        HOST: '127.0.0.1',
        PROPS_PUSH_AUTH: 'none',
        LOG_LEVEL: 'fatal',
        PROPS_DATA_DIR: dataDir,
        PROPS_MODEL_DIR: join(root, 'models'),
        PROPS_COMPLETION_URL: `${await listen(completions)}/complete`,
      });
      await worker.app.listen({ port: 0, host: '127.0.0.1' });
    }, 90_000);

    afterAll(async () => {
      await pubsub?.close();
      delete process.env.PUBSUB_EMULATOR_HOST;
      for (const server of servers) server.close();
      await worker?.app.close();
      await emulator?.stop();
    });

    /** A push endpoint in front of the worker that counts each delivery and passes the worker's answer back. */
    async function countingEndpoint(): Promise<string> {
      const server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          const logicalId =
            (JSON.parse(body) as { message?: { attributes?: Record<string, string> } }).message?.attributes
              ?.props_message_id ?? '?';
          void worker.app
            .inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: body })
            .then((answer) => {
              deliveries.set(logicalId, [...(deliveries.get(logicalId) ?? []), answer.statusCode]);
              response.statusCode = answer.statusCode;
              response.end(answer.body);
            });
        });
      });
      servers.push(server);
      return `${await listen(server)}/push`;
    }

    /** The same sequence through either publisher: a malformed message, then a valid one meeting a transient failure. */
    async function sequence(publisher: Publisher, topic: string, tag: string) {
      // Logical ids are <batch_id>.<player_lookup> of the payload, as the coordinator publishes them (the worker checks).
      const player = validRequest().player_lookup;
      const malformed = {
        ...validRequest({ batch_id: `batch_${tag}_malformed` }),
        features: { ...validRequest().features, values: validRequest().features.values.slice(1) },
      };
      const malformedId = `batch_${tag}_malformed.${player}`;
      const transientId = `batch_${tag}.${player}`;
      await publisher.publish(topic, malformed, { messageId: malformedId });
      completionFailures = 2 * 5; // two deliveries fail: the worker's completion push retries 5 times each
      await publisher.publish(topic, validRequest({ batch_id: `batch_${tag}` }), { messageId: transientId });
      await until(() => (deliveries.get(transientId) ?? []).includes(204), 90_000);
      await settle(4_000); // room for any redelivery of the acknowledged malformed message
      return { malformed: deliveries.get(malformedId), transient: deliveries.get(transientId) };
    }

    it('acknowledges a malformed message once and records it; redelivers a transient failure until it succeeds; the stand-in counts the same', async () => {
      const [topic] = await pubsub.createTopic('prediction-request');
      await topic.createSubscription('worker-push', {
        pushConfig: { pushEndpoint: await countingEndpoint() },
        retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
      });
      const real = await sequence(new PubSubPublisher(pubsub), 'prediction-request', 'real');
      expect(real.malformed).toEqual([200]);
      expect(real.transient).toEqual([503, 503, 204]);

      const standIn = new HttpPushPublisher({
        endpoints: { 'prediction-request': await countingEndpoint() },
        initialBackoffMs: 20,
      });
      const local = await sequence(standIn, 'prediction-request', 'local');
      expect(local).toEqual(real);

      const rejected = readdirSync(join(dataDir, 'rejected')).filter((name) => name.endsWith('.json'));
      expect(rejected).toHaveLength(2);
      expect(existsSync(join(dataDir, 'staging', 'batch_real', 'batch_real.exampleplayer.ndjson'))).toBe(true);
      expect(readdirSync(join(dataDir, 'staging', 'batch_real'))).toEqual(['batch_real.exampleplayer.ndjson']);
    }, 240_000);
  },
);

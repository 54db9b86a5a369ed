import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOGICAL_ID_ATTRIBUTE } from '@props/contracts';
import { HttpPushPublisher } from './http-push-publisher';
import { PushDeliveryQueue } from './push-delivery-queue';

const servers: Server[] = [];
const folders: string[] = [];
afterEach(() => {
  servers.splice(0).forEach((server) => server.close());
  folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true }));
});

const MESSAGES = 48;

describe('PushDeliveryQueue over loopback HTTP', () => {
  it('puts the first push on the wire before the last message of a fan-out is encoded, each delivered once', async () => {
    // One timeline of what happened in this process: a message encoded (its payload's toJSON, called
    // when the publisher builds the envelope) and a request reaching the endpoint.
    const events: string[] = [];
    const bodies: string[] = [];
    let allReceived!: () => void;
    const received = new Promise<void>((resolve) => (allReceived = resolve));
    const server = createServer((request, response) => {
      events.push('received');
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        bodies.push(body);
        response.statusCode = 204;
        response.end();
        if (bodies.length === MESSAGES) allReceived();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
    const deadLetterDir = mkdtempSync(join(tmpdir(), 'push-queue-'));
    folders.push(deadLetterDir);
    const queue = new PushDeliveryQueue({
      publishers: [new HttpPushPublisher({ endpoints: { requests: url } })],
      concurrencyPerPublisher: MESSAGES,
      deadLetterDir,
    });

    for (let index = 0; index < MESSAGES; index += 1)
      queue.enqueue('requests', { toJSON: () => (events.push(`encoded ${index}`), { index }) }, `batch.m${index}`);
    await received;

    expect(events.indexOf('received')).toBeGreaterThan(-1);
    expect(events.indexOf('received')).toBeLessThan(events.indexOf(`encoded ${MESSAGES - 1}`));
    const ids = bodies.map(
      (body) =>
        (JSON.parse(body) as { message: { attributes: Record<string, string> } }).message.attributes[
          LOGICAL_ID_ATTRIBUTE
        ],
    );
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: MESSAGES }, (_, index) => `batch.m${index}`)));
  });
});

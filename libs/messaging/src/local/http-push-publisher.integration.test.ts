import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePushEnvelope } from '@props/contracts';
import * as z from 'zod';
import { HttpPushPublisher } from './http-push-publisher';

const servers: Array<Server | ReturnType<typeof createTcpServer>> = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** A loopback push endpoint answering `statuses` in turn (then 204), counting the connections it accepted. */
async function endpoint(statuses: number[] = []) {
  const received: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = [];
  let connections = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ body: JSON.parse(body) as unknown, headers: request.headers });
      response.statusCode = statuses.shift() ?? 204;
      response.end(response.statusCode === 200 ? '{"acknowledged":true}' : undefined);
    });
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
  return { url, received, connections: () => connections };
}

describe('HttpPushPublisher over loopback HTTP', () => {
  it('sends the push envelope with the headers, and keeps one connection for deliveries in a row', async () => {
    const target = await endpoint();
    const publisher = new HttpPushPublisher({ endpoints: { requests: target.url }, headers: { 'x-api-key': 'k' } });
    for (let index = 0; index < 20; index += 1)
      await publisher.publish('requests', { player_lookup: `p${index}` }, { messageId: `batch.p${index}` });
    expect(target.received).toHaveLength(20);
    expect(target.received[3]!.headers['x-api-key']).toBe('k');
    expect(decodePushEnvelope(target.received[3]!.body, z.object({ player_lookup: z.string() }))).toMatchObject({
      messageId: 'batch.p3',
      payload: { player_lookup: 'p3' },
    });
    expect(target.connections()).toBe(1);
  });

  it('redelivers after any status but 102/200/201/202/204, under the same delivery id, counting attempts', async () => {
    const target = await endpoint([500, 400, 200]);
    await new HttpPushPublisher({ endpoints: { requests: target.url }, initialBackoffMs: 5 }).publish('requests', {
      n: 1,
    });
    const envelopes = target.received.map(
      ({ body }) => body as { deliveryAttempt: number; message: { messageId: string } },
    );
    expect(envelopes.map((envelope) => envelope.deliveryAttempt)).toEqual([1, 2, 3]);
    expect(new Set(envelopes.map((envelope) => envelope.message.messageId)).size).toBe(1);
  });

  it('gives up after the attempts, naming the connection error', async () => {
    const target = await endpoint();
    servers.splice(0).forEach((server) => server.close());
    const publisher = new HttpPushPublisher({
      endpoints: { requests: target.url },
      initialBackoffMs: 5,
      maxAttempts: 2,
    });
    await expect(publisher.publish('requests', { n: 1 }, { messageId: 'batch.x' })).rejects.toThrow(
      /did not accept message batch\.x after 2 attempts \(last: ECONNREFUSED\)/,
    );
  });

  // What a worker can meet at a completion URL whose port another program took (props run picks
  // ports before its children start): each is a failed publish naming the cause, never a crash.
  it.each([
    ['resets the connection', (socket: Socket) => socket.resetAndDestroy(), 'ECONNRESET'],
    ['closes the connection', (socket: Socket) => socket.end(), 'ECONNRESET'],
    [
      'answers what is not HTTP',
      (socket: Socket) => socket.once('data', () => socket.end('garbage\r\n\r\n')),
      'HPE_INVALID_CONSTANT',
    ],
    [
      'cuts its answer short',
      (socket: Socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc');
          setTimeout(() => socket.destroy(), 20);
        }),
      'ECONNRESET',
    ],
  ])('gives up naming the cause when the peer %s', async (_case, onConnection, code) => {
    const server = createTcpServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/complete`;
    const publisher = new HttpPushPublisher({ endpoints: { completions: url }, initialBackoffMs: 5, maxAttempts: 2 });
    await expect(publisher.publish('completions', { n: 1 }, { messageId: 'batch.x' })).rejects.toThrow(
      `did not accept message batch.x after 2 attempts (last: ${code})`,
    );
  });
});

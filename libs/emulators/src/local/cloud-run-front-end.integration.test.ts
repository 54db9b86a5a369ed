import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireOidc, type AuthFrontEnd } from '@props/service-runtime';
import { CloudRunFrontEnd, REMOVED_SIGNATURE } from './cloud-run-front-end';
import { TestIdentityIssuer } from './test-identity-issuer';

const AUDIENCE = 'https://worker.props-test.invalid';
const PUSHER = 'pusher@props-test.iam.gserviceaccount.com';
const issuer = new TestIdentityIssuer();
const closers: Array<() => Promise<unknown>> = [];
/** What the container behind the front end received, per request. */
const received: IncomingHttpHeaders[] = [];
let echoUrl = '';

beforeAll(async () => {
  await issuer.start();
  const echo: Server = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolveListen) => echo.listen(0, '127.0.0.1', () => resolveListen()));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  closers.push(
    () => new Promise((resolveClose) => echo.close(resolveClose)),
    () => issuer.stop(),
  );
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function frontEnd(target: string): Promise<CloudRunFrontEnd> {
  const front = new CloudRunFrontEnd({ target, audiences: [AUDIENCE], invokers: [PUSHER], jwksUrl: issuer.jwksUrl });
  await front.start();
  closers.push(() => front.stop());
  return front;
}

const bearer = (email = PUSHER, audience = AUDIENCE, lifetimeSeconds = 600) =>
  `Bearer ${issuer.token({ email, audience, lifetimeSeconds })}`;

describe("the Cloud Run front-end stand-in: Cloud Run's IAM check before a container", () => {
  it.each([
    ['no token', {}, 401],
    ['a token that is not a JWT', { authorization: 'Bearer opaque' }, 401],
    ['a token for another audience', { authorization: bearer(PUSHER, 'https://other.invalid') }, 401],
    ['an expired token', { authorization: bearer(PUSHER, AUDIENCE, -120) }, 401],
    ['a token signed by another key', { authorization: `${bearer().slice(0, -8)}AAAAAAAA` }, 401],
    ['a caller that is no invoker', { authorization: bearer('stranger@props-test.iam.gserviceaccount.com') }, 403],
    [
      'a bad X-Serverless-Authorization beside a good Authorization (Cloud Run checks only the former)',
      { 'x-serverless-authorization': bearer(PUSHER, 'https://other.invalid'), authorization: bearer() },
      401,
    ],
  ])('refuses %s before the container sees it', async (_label, headers: Record<string, string>, status) => {
    const front = await frontEnd(echoUrl);
    const before = received.length;
    const answer = await fetch(`${front.url}/predict`, { method: 'POST', headers, body: '{}' });
    expect(answer.status).toBe(status);
    expect(await answer.text()).toContain(status === 401 ? 'Unauthorized' : 'Forbidden');
    expect(received.length).toBe(before);
    expect(front.exchanges.at(-1)).toMatchObject({ status, path: '/predict' });
  });

  it("forwards an invoker's request with the token's signature replaced by SIGNATURE_REMOVED_BY_GOOGLE", async () => {
    const front = await frontEnd(echoUrl);
    const token = bearer();
    const answer = await fetch(`${front.url}/predict`, {
      method: 'POST',
      headers: { authorization: token },
      body: '{}',
    });
    expect(answer.status).toBe(204);
    const forwarded = received.at(-1)!;
    const [header, payload] = token.slice('Bearer '.length).split('.');
    expect(forwarded.authorization).toBe(`Bearer ${header}.${payload}.${REMOVED_SIGNATURE}`);
    expect(forwarded['x-serverless-authorization']).toBeUndefined();
    expect(front.exchanges.at(-1)).toMatchObject({ status: 204, caller: PUSHER });
  });

  it('checks X-Serverless-Authorization when present, strips its signature and passes Authorization through untouched', async () => {
    const front = await frontEnd(echoUrl);
    const token = bearer();
    const answer = await fetch(`${front.url}/start`, {
      method: 'POST',
      headers: { 'x-serverless-authorization': token, authorization: 'Basic the-apps-own-credentials' },
      body: '{}',
    });
    expect(answer.status).toBe(204);
    const forwarded = received.at(-1)!;
    expect(forwarded['x-serverless-authorization']).toMatch(new RegExp(`\\.${REMOVED_SIGNATURE}$`));
    expect(forwarded.authorization).toBe('Basic the-apps-own-credentials');
  });
});

/** The services' own guard (libs/service-runtime requireOidc) behind the stand-in, in either trust mode. */
async function guardedApp(frontEnd: AuthFrontEnd): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  void app.register(async (guarded) => {
    requireOidc(guarded, {
      audience: AUDIENCE,
      serviceAccounts: [PUSHER],
      jwksUrl: issuer.jwksUrl,
      frontEnd,
    });
    guarded.post('/predict', async (_request, reply) => reply.code(204).send());
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

describe('a service behind the Cloud Run front-end stand-in', () => {
  it('answers a push when it trusts the front end (PROPS_AUTH_FRONT_END=cloud-run)', async () => {
    const front = await frontEnd((await guardedApp('cloud-run')).url);
    const answer = await fetch(`${front.url}/predict`, { method: 'POST', headers: { authorization: bearer() } });
    expect(answer.status).toBe(204);
  });

  it('refuses every push when it verifies the removed signature itself: the mismatch the stand-in exists to catch', async () => {
    const front = await frontEnd((await guardedApp('none')).url);
    const answer = await fetch(`${front.url}/predict`, { method: 'POST', headers: { authorization: bearer() } });
    expect(answer.status).toBe(401);
    // The front end let it through; the app refused it.
    expect(front.exchanges.at(-1)).toMatchObject({ caller: PUSHER, status: 401 });
  });
});

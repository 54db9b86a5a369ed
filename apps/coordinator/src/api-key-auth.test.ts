import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { REMOVED_SIGNATURE, SERVERLESS_AUTHORIZATION, type AuthFrontEnd } from '@props/service-runtime';
import { requireCaller } from './api-key-auth';
import { loadCoordinatorConfig } from './coordinator-config';

const KEY = 'coordinator-test-api-key';
const AUDIENCE = 'https://coordinator.props-test.invalid';
const SCHEDULER = 'scheduler@props-test.iam.gserviceaccount.com';
const PUSHER = 'pusher@props-test.iam.gserviceaccount.com';

/** A token as Cloud Run hands it to the container once its IAM check passed: the signature removed. */
function forwarded(email: string, audience = AUDIENCE): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://accounts.google.com',
    aud: audience,
    email,
    email_verified: true,
    iat: now,
    exp: now + 600,
  };
  return `Bearer ${part({ alg: 'RS256', kid: 'google' })}.${part(claims)}.${REMOVED_SIGNATURE}`;
}

async function coordinatorRoutes(frontEnd: AuthFrontEnd) {
  const app = Fastify();
  void app.register(async (guarded) => {
    requireCaller(guarded, KEY, {
      audience: AUDIENCE,
      serviceAccounts: [PUSHER, SCHEDULER],
      // Never fetched behind the front end for a removed signature; refused locally (nothing listens on port 9).
      jwksUrl: 'http://127.0.0.1:9/certs',
      frontEnd,
    });
    guarded.post('/start', async (_request, reply) => reply.code(202).send({ started: true }));
  });
  await app.ready();
  return app;
}

describe('the coordinator behind Cloud Run (PROPS_AUTH_FRONT_END=cloud-run)', () => {
  it('admits the scheduler and the pusher by their forwarded tokens, and an operator by the API key', async () => {
    const app = await coordinatorRoutes('cloud-run');
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/start', headers });
    expect((await post({ authorization: forwarded(SCHEDULER) })).statusCode).toBe(202);
    expect((await post({ [SERVERLESS_AUTHORIZATION]: forwarded(PUSHER) })).statusCode).toBe(202);
    // The CLI and the operators' scripts: an invoker's token for Cloud Run, the key for the app.
    const operator = forwarded('operator@props-test.iam.gserviceaccount.com');
    expect((await post({ authorization: operator, 'x-api-key': KEY })).statusCode).toBe(202);
    expect((await post({ authorization: operator, 'x-api-key': 'not-the-coordinator-key' })).statusCode).toBe(401);
    expect((await post({ authorization: forwarded(SCHEDULER, 'https://worker.props-test.invalid') })).statusCode).toBe(
      401,
    );
    // Cloud Run checked X-Serverless-Authorization; Authorization beside it is the caller's own claim.
    expect((await post({ [SERVERLESS_AUTHORIZATION]: operator, authorization: forwarded(SCHEDULER) })).statusCode).toBe(
      401,
    );
    await app.close();
  });

  it('without the front end the same forwarded tokens are refused (their signature cannot verify), the API key still works', async () => {
    const app = await coordinatorRoutes('none');
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/start', headers });
    expect((await post({ authorization: forwarded(SCHEDULER) })).statusCode).toBe(401);
    expect((await post({ 'x-api-key': KEY })).statusCode).toBe(202);
    await app.close();
  });
});

describe('PROPS_AUTH_FRONT_END=cloud-run is refused where no Cloud Run front end stands', () => {
  const base = {
    PROPS_API_KEY: KEY,
    PROPS_AUTH_FRONT_END: 'cloud-run',
    PROPS_OIDC_AUDIENCE: AUDIENCE,
    PROPS_OIDC_SERVICE_ACCOUNTS: SCHEDULER,
  };
  const gcp = { PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test', K_SERVICE: 'prediction-coordinator' };

  it.each([
    [
      'on the local backend',
      { ...base },
      'PROPS_AUTH_FRONT_END is "cloud-run": is cloud-run, but PROPS_BACKEND is not gcp',
    ],
    ['outside Cloud Run (no K_SERVICE)', { ...base, ...gcp, K_SERVICE: undefined }, 'K_SERVICE is unset'],
    [
      'without the callers it must still check',
      { ...base, ...gcp, PROPS_OIDC_SERVICE_ACCOUNTS: undefined },
      'is cloud-run without PROPS_OIDC_AUDIENCE and PROPS_OIDC_SERVICE_ACCOUNTS',
    ],
  ])('%s', (_label, env, message) => {
    expect(() => loadCoordinatorConfig(env)).toThrow(message);
  });

  it('is accepted on Cloud Run with the gcp backend and its callers', () => {
    expect(loadCoordinatorConfig({ ...base, ...gcp }).oidc).toMatchObject({
      frontEnd: 'cloud-run',
      serviceAccounts: [SCHEDULER],
    });
  });
});

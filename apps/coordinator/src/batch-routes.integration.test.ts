import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_PLAYERS_PER_MESSAGE, encodePushEnvelope, type CompletionEvent } from '@props/contracts';
import { assembleCoordinator } from './assemble-coordinator';

const KEY = 'test-key-0123456789';

describe('coordinator POST /start', () => {
  it.each([
    [{ game_date: '2025-02-30' }, 'game_date'],
    [{ game_date: 'yesterday' }, 'game_date'],
    [{ game_date: '2025-01-15', force: 'yes' }, 'force'],
    [{ game_date: '2025-01-15', dataset_prefix: 'drop table;' }, 'dataset_prefix'],
    [{ game_date: '2025-01-15', min_minutes: -1 }, 'min_minutes'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: KEY });
    const response = await coordinator.app.inject({
      method: 'POST',
      url: '/start',
      payload: body,
      headers: { 'x-api-key': KEY },
    });
    await coordinator.app.close();
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe(field);
  });

  it('reads every route input through its zod schema: the query, the params, and an absent body as {}', async () => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: KEY });
    const noDate = await coordinator.app.inject({ method: 'GET', url: '/status' });
    const badDate = await coordinator.app.inject({ method: 'GET', url: '/status?game_date=2025-13-01' });
    const unknown = await coordinator.app.inject({ method: 'GET', url: '/status/batch_nope' });
    const noBody = await coordinator.app.inject({
      method: 'POST',
      url: '/check-stalled',
      headers: { 'x-api-key': KEY },
    });
    await coordinator.app.close();
    expect([noDate.statusCode, noDate.json()]).toEqual([
      400,
      {
        error: 'invalid request',
        code: 'invalid_request',
        field: 'game_date',
        problem: 'expected ?game_date=YYYY-MM-DD',
      },
    ]);
    expect([badDate.statusCode, badDate.json().field]).toEqual([400, 'game_date']);
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { error: 'no such batch', code: 'no_such_batch' }]);
    expect([noBody.statusCode, noBody.json()]).toEqual([200, { actions: [] }]);
  });

  it.each([
    [undefined, 'no key'],
    ['wrong-key-0123456789', 'a wrong key'],
  ])('refuses a mutating request with %s (401), a bearer token alone counts for nothing', async (key, _label) => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: KEY });
    for (const url of ['/start', '/complete', '/check-stalled']) {
      const headers: Record<string, string> = { authorization: 'Bearer anything' };
      if (key) headers['x-api-key'] = key;
      const response = await coordinator.app.inject({
        method: 'POST',
        url,
        payload: { game_date: '2025-01-15' },
        headers,
      });
      expect(response.statusCode, url).toBe(401);
      expect(response.json()).toEqual({ error: 'missing or wrong x-api-key header', code: 'unauthorized' });
    }
    await coordinator.app.close();
  });

  it('a staging coordinator (PROPS_DATASET_PREFIX) refuses a batch of another prefix with 400 naming dataset_prefix, before touching anything', async () => {
    const coordinator = await assembleCoordinator({
      LOG_LEVEL: 'fatal',
      PROPS_API_KEY: KEY,
      PROPS_DATASET_PREFIX: 'staging',
      PROPS_WORKER_URLS: 'http://127.0.0.1:9/predict',
      PROPS_DATA_DIR: mkdtempSync(join(tmpdir(), 'props-staging-')),
    });
    const response = await coordinator.app.inject({
      method: 'POST',
      url: '/start',
      payload: { game_date: '2025-01-15', dataset_prefix: 'ci' },
      headers: { 'x-api-key': KEY },
    });
    await coordinator.app.close();
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe(
      'dataset_prefix: this coordinator starts batches of "staging" only (PROPS_DATASET_PREFIX), not of "ci"',
    );
  });

  it('stops at startup when PROPS_API_KEY is missing or short, naming the variable', async () => {
    await expect(assembleCoordinator({ LOG_LEVEL: 'fatal' })).rejects.toThrow(/PROPS_API_KEY/);
    await expect(assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: 'short' })).rejects.toThrow(
      /PROPS_API_KEY.*at least 16/,
    );
  });
});

describe('coordinator POST /complete, a group message', () => {
  /** A completion at the contract's bounds: every free text at its longest, escaped at JSON's costliest. */
  const completion = (index: number, change: Partial<CompletionEvent> = {}): CompletionEvent => ({
    batch_id: 'b'.repeat(128),
    player_lookup: `player${String(index).padStart(2, '0')}${'x'.repeat(56)}`,
    game_date: '2025-01-15',
    message_id: '"'.repeat(200),
    outcome: 'skipped',
    rows_staged: 0,
    skip_reason: '\u0001'.repeat(2000),
    worker_instance: '\u0002'.repeat(200),
    timestamp: '2025-01-15T12:00:00.000Z',
    ...change,
  });
  const complete = async (payload: unknown) => {
    const coordinator = await assembleCoordinator({
      LOG_LEVEL: 'fatal',
      PROPS_API_KEY: KEY,
      PROPS_DATA_DIR: mkdtempSync(join(tmpdir(), 'props-complete-')),
    });
    const response = await coordinator.app.inject({
      method: 'POST',
      url: '/complete',
      payload: encodePushEnvelope(payload, 'delivery-1', 'projects/local/subscriptions/prediction-ready'),
      headers: { 'x-api-key': KEY },
    });
    await coordinator.app.close();
    return response;
  };

  it(`takes ${MAX_PLAYERS_PER_MESSAGE} completions at their bounds in one message within the body limit, and answers how many it recorded and ignored`, async () => {
    const response = await complete({
      completions: Array.from({ length: MAX_PLAYERS_PER_MESSAGE }, (_, index) => completion(index)),
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['x-completion']).toBe(`recorded=0 ignored=${MAX_PLAYERS_PER_MESSAGE}`);
  });

  it.each([
    ['two batches', [completion(0), completion(1, { batch_id: 'batch_other' })], 'message.data.completions.1.batch_id'],
    ['one player twice', [completion(0), completion(0)], 'message.data.completions.1.player_lookup'],
    [
      'a bad outcome',
      [completion(0), completion(1, { outcome: 'lost' as 'staged' })],
      'message.data.completions.1.outcome',
    ],
    ['no completion', [], 'message.data.completions'],
  ])('acknowledges a group with %s naming the field (200), records nothing', async (_label, completions, field) => {
    const response = await complete({ completions });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ acknowledged: true, rejected: { field } });
  });
});

describe('coordinator OIDC callers (Cloud Scheduler, Pub/Sub push)', () => {
  it('accepts a verified token from an allowed service account instead of the API key, and refuses any other bearer', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = createServer((_request, response) =>
      response.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] })),
    );
    await new Promise<void>((resolveListen) => jwks.listen(0, '127.0.0.1', () => resolveListen()));
    const port = (jwks.address() as AddressInfo).port;
    const token = (claims: Record<string, unknown>) => {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const body = `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}`;
      return `Bearer ${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const scheduler = {
      iss: 'https://accounts.google.com',
      aud: 'https://coordinator.example',
      email: 'scheduler@p.iam.gserviceaccount.com',
      email_verified: true,
      iat: now,
      exp: now + 600,
    };
    const coordinator = await assembleCoordinator({
      LOG_LEVEL: 'fatal',
      PROPS_API_KEY: KEY,
      PROPS_OIDC_AUDIENCE: 'https://coordinator.example',
      PROPS_OIDC_SERVICE_ACCOUNTS: 'scheduler@p.iam.gserviceaccount.com',
      PROPS_OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs`,
    });
    try {
      const post = (authorization: string) =>
        coordinator.app.inject({
          method: 'POST',
          url: '/start',
          payload: { game_date: '2025-02-30' },
          headers: { authorization },
        });
      // Past authentication, the body is validated: 400 naming the field.
      expect((await post(token(scheduler))).statusCode).toBe(400);
      for (const claims of [
        { ...scheduler, email: 'intruder@p.iam.gserviceaccount.com' },
        { ...scheduler, aud: 'https://elsewhere.example' },
        { ...scheduler, exp: now - 600 },
      ]) {
        expect((await post(token(claims))).statusCode).toBe(401);
      }
      expect((await post('Bearer anything')).statusCode).toBe(401);
    } finally {
      await coordinator.app.close();
      jwks.close();
    }
  });
});

import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcTokenError, OidcVerifier, REMOVED_SIGNATURE, SERVERLESS_AUTHORIZATION } from './oidc-verifier';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
let jwks: Server;
let jwksUrl = '';
let keyFetches = 0;

function signedToken(claims: Record<string, unknown>, key: KeyObject = privateKey, kid = 'k1'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

beforeAll(async () => {
  jwks = createServer((request, response) => {
    keyFetches += 1;
    if (request.url === '/hang') return;
    response.setHeader('content-type', 'application/json');
    // Google's key endpoint answers with a max-age of several hours; the verifier honours it.
    response.setHeader('cache-control', 'public, max-age=600, must-revalidate, no-transform');
    response.end(
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }),
    );
  });
  await new Promise<void>((resolveListen) => jwks.listen(0, '127.0.0.1', () => resolveListen()));
  const address = jwks.address();
  jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/certs`;
});
afterAll(() => {
  jwks.closeAllConnections();
  return new Promise((resolveClose) => jwks.close(resolveClose));
});

const now = () => Math.floor(Date.now() / 1000);
const good = () => ({
  iss: 'https://accounts.google.com',
  aud: 'https://worker.example',
  email: 'pusher@project.iam.gserviceaccount.com',
  email_verified: true,
  iat: now(),
  exp: now() + 3600,
});

describe('OIDC bearer verification', () => {
  const verifier = () =>
    new OidcVerifier({
      audience: 'https://worker.example',
      serviceAccounts: ['pusher@project.iam.gserviceaccount.com'],
      jwksUrl,
    });

  it('accepts a token signed by the published key for the audience and the allowed service account', async () => {
    await expect(verifier().verify(`Bearer ${signedToken(good())}`)).resolves.toBe(
      'pusher@project.iam.gserviceaccount.com',
    );
  });

  it.each([
    ['no header', undefined, 'no bearer token'],
    ['a bearer that is not a JWT', 'Bearer anything', 'no bearer token'],
    ['another key', `Bearer ${signedToken(good(), other)}`, 'bad token signature'],
    ['an unknown key id', `Bearer ${signedToken(good(), privateKey, 'k9')}`, 'token signed with unknown key k9'],
    [
      'another issuer',
      `Bearer ${signedToken({ ...good(), iss: 'https://evil.example' })}`,
      'issuer https://evil.example is not trusted',
    ],
    [
      'another audience',
      `Bearer ${signedToken({ ...good(), aud: 'https://other.example' })}`,
      'audience https://other.example is not https://worker.example',
    ],
    ['an expired token', `Bearer ${signedToken({ ...good(), exp: now() - 120 })}`, 'token expired'],
    [
      'a token issued an hour in the future',
      `Bearer ${signedToken({ ...good(), iat: now() + 3_600, exp: now() + 7_200 })}`,
      'token issued in the future',
    ],
    [
      'a token issued a minute in the future (past the 30 s skew)',
      `Bearer ${signedToken({ ...good(), iat: now() + 60 })}`,
      'token issued in the future',
    ],
    ['a token without iat', `Bearer ${signedToken({ ...good(), iat: undefined })}`, 'claim iat missing'],
    [
      'a token not valid before a minute from now',
      `Bearer ${signedToken({ ...good(), nbf: now() + 60 })}`,
      'token not valid yet',
    ],
    [
      'another service account',
      `Bearer ${signedToken({ ...good(), email: 'someone@else.com' })}`,
      'caller someone@else.com is not an allowed service account',
    ],
    [
      'an unverified email',
      `Bearer ${signedToken({ ...good(), email_verified: false })}`,
      'is not an allowed service account',
    ],
  ])('refuses %s', async (_label, header, reason) => {
    const attempt = verifier().verify(header);
    await expect(attempt).rejects.toThrow(OidcTokenError);
    await expect(verifier().verify(header)).rejects.toThrow(reason);
  });
});

describe('the signing-key cache', () => {
  const policy = { audience: 'https://worker.example', serviceAccounts: ['pusher@project.iam.gserviceaccount.com'] };

  it('keeps the keys for the max-age the key endpoint sends, then fetches them again', async () => {
    let clock = 1_000_000;
    const verifier = new OidcVerifier({ ...policy, jwksUrl }, { now: () => clock });
    for (let call = 0; call < 5; call += 1) await verifier.verify(`Bearer ${signedToken(good())}`);
    expect(verifier.keys.fetches).toBe(1);
    clock += 599_000;
    await verifier.verify(`Bearer ${signedToken(good())}`);
    expect(verifier.keys.fetches).toBe(1);
    clock += 2_000;
    await verifier.verify(`Bearer ${signedToken(good())}`);
    expect(verifier.keys.fetches).toBe(2);
  });

  it('lets a burst of forged tokens with random key ids cause at most one fetch per refresh window', async () => {
    let clock = 5_000_000;
    const verifier = new OidcVerifier({ ...policy, jwksUrl }, { now: () => clock, unknownKeyCooldownMs: 60_000 });
    await verifier.verify(`Bearer ${signedToken(good())}`);
    const before = keyFetches;
    const forged = Array.from({ length: 200 }, (_, index) =>
      verifier
        .verify(`Bearer ${signedToken(good(), other, `forged-${index}-${Math.random()}`)}`)
        .catch((error: unknown) => error),
    );
    const outcomes = await Promise.all(forged);
    expect(
      outcomes.every((outcome) => outcome instanceof OidcTokenError && /unknown key forged-/.test(outcome.message)),
    ).toBe(true);
    expect(keyFetches - before).toBe(0);
    clock += 60_000;
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        verifier.verify(`Bearer ${signedToken(good(), other, `later-${index}`)}`).catch(() => undefined),
      ),
    );
    expect(keyFetches - before).toBe(1);
    await expect(verifier.verify(`Bearer ${signedToken(good())}`)).resolves.toBe(
      'pusher@project.iam.gserviceaccount.com',
    );
  });

  it('gives up on a key endpoint that does not answer within the fetch timeout', async () => {
    const verifier = new OidcVerifier(
      { ...policy, jwksUrl: jwksUrl.replace('/certs', '/hang') },
      { fetchTimeoutMs: 200 },
    );
    await expect(verifier.verify(`Bearer ${signedToken(good())}`)).rejects.toThrow(
      'cannot fetch the signing keys: timed out',
    );
  });
});

describe('behind Cloud Run (frontEnd cloud-run): the token Cloud Run checked, forwarded without its signature', () => {
  const accounts = ['pusher@project.iam.gserviceaccount.com'];
  const behind = () =>
    new OidcVerifier({ audience: 'https://worker.example', serviceAccounts: accounts, jwksUrl, frontEnd: 'cloud-run' });
  /** What Cloud Run hands the container: the checked token with SIGNATURE_REMOVED_BY_GOOGLE for its signature. */
  const stripped = (claims: Record<string, unknown>) =>
    `Bearer ${signedToken(claims).split('.').slice(0, 2).join('.')}.${REMOVED_SIGNATURE}`;

  it('accepts the forwarded token of an allowed caller, from Authorization or from X-Serverless-Authorization', async () => {
    await expect(behind().verifyCaller({ authorization: stripped(good()) })).resolves.toBe(accounts[0]);
    await expect(
      behind().verifyCaller({ [SERVERLESS_AUTHORIZATION]: stripped(good()), authorization: 'Basic app-credentials' }),
    ).resolves.toBe(accounts[0]);
  });

  it('without the front end the same forwarded token is refused: its signature cannot verify (the production 401)', async () => {
    const local = new OidcVerifier({ audience: 'https://worker.example', serviceAccounts: accounts, jwksUrl });
    await expect(local.verifyCaller({ authorization: stripped(good()) })).rejects.toThrow('bad token signature');
  });

  it.each([
    [
      'another audience',
      { aud: 'https://other.example' },
      'audience https://other.example is not https://worker.example',
    ],
    ['another caller', { email: 'someone@else.com' }, 'caller someone@else.com is not an allowed service account'],
    ['an unverified email', { email_verified: false }, 'is not an allowed service account'],
    ['another issuer', { iss: 'https://evil.example' }, 'issuer https://evil.example is not trusted'],
    ['an expired token', { exp: now() - 120 }, 'token expired'],
    ['a token issued an hour in the future', { iat: now() + 3_600, exp: now() + 7_200 }, 'token issued in the future'],
    ['no iat', { iat: undefined }, 'claim iat missing'],
  ])('still refuses a forwarded token with %s', async (_label, change, reason) => {
    await expect(behind().verifyCaller({ authorization: stripped({ ...good(), ...change }) })).rejects.toThrow(reason);
  });

  it('reads only the header Cloud Run checked: with X-Serverless-Authorization present, Authorization (unchecked by Cloud Run) names nobody', async () => {
    const impostor = stripped({ ...good(), email: 'someone@else.com' });
    await expect(
      behind().verifyCaller({ [SERVERLESS_AUTHORIZATION]: impostor, authorization: stripped(good()) }),
    ).rejects.toThrow('caller someone@else.com is not an allowed service account');
  });

  it('verifies in full a token whose signature is still there (Cloud Run did not vouch for it)', async () => {
    await expect(behind().verifyCaller({ authorization: `Bearer ${signedToken(good())}` })).resolves.toBe(accounts[0]);
    await expect(behind().verifyCaller({ authorization: `Bearer ${signedToken(good(), other)}` })).rejects.toThrow(
      'bad token signature',
    );
  });
});

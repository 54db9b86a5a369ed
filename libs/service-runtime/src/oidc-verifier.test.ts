import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcTokenError, OidcVerifier } from './oidc-verifier';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
let jwks: Server;
let jwksUrl = '';

function signedToken(claims: Record<string, unknown>, key: KeyObject = privateKey, kid = 'k1'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

beforeAll(async () => {
  jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  });
  await new Promise<void>((resolveListen) => jwks.listen(0, '127.0.0.1', () => resolveListen()));
  const address = jwks.address();
  jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/certs`;
});
afterAll(() => new Promise((resolveClose) => jwks.close(resolveClose)));

const now = () => Math.floor(Date.now() / 1000);
const good = () => ({ iss: 'https://accounts.google.com', aud: 'https://worker.example', email: 'pusher@project.iam.gserviceaccount.com', email_verified: true, iat: now(), exp: now() + 3600 });

describe('OIDC bearer verification', () => {
  const verifier = () => new OidcVerifier({ audience: 'https://worker.example', serviceAccounts: ['pusher@project.iam.gserviceaccount.com'], jwksUrl });

  it('accepts a token signed by the published key for the audience and the allowed service account', async () => {
    await expect(verifier().verify(`Bearer ${signedToken(good())}`)).resolves.toBe('pusher@project.iam.gserviceaccount.com');
  });

  it.each([
    ['no header', undefined, 'no bearer token'],
    ['a bearer that is not a JWT', 'Bearer anything', 'no bearer token'],
    ['another key', `Bearer ${signedToken(good(), other)}`, 'bad token signature'],
    ['an unknown key id', `Bearer ${signedToken(good(), privateKey, 'k9')}`, 'token signed with unknown key k9'],
    ['another issuer', `Bearer ${signedToken({ ...good(), iss: 'https://evil.example' })}`, 'issuer https://evil.example is not trusted'],
    ['another audience', `Bearer ${signedToken({ ...good(), aud: 'https://other.example' })}`, 'audience https://other.example is not https://worker.example'],
    ['an expired token', `Bearer ${signedToken({ ...good(), exp: now() - 120 })}`, 'token expired'],
    ['another service account', `Bearer ${signedToken({ ...good(), email: 'someone@else.com' })}`, 'caller someone@else.com is not an allowed service account'],
    ['an unverified email', `Bearer ${signedToken({ ...good(), email_verified: false })}`, 'is not an allowed service account'],
  ])('refuses %s', async (_label, header, reason) => {
    const attempt = verifier().verify(header);
    await expect(attempt).rejects.toThrow(OidcTokenError);
    await expect(verifier().verify(header)).rejects.toThrow(reason);
  });
});

import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Google's issuer, as the ID tokens Pub/Sub push and Cloud Scheduler send carry it. */
const ISSUER = 'https://accounts.google.com';

export interface IdentityTokenRequest {
  /** The service account the token speaks for (its `email` claim). */
  email: string;
  /** The `aud` claim: the receiving service's URL or one of its custom audiences. */
  audience: string;
  /** Seconds until `exp` (Google's ID tokens: one hour); negative for an expired token. */
  lifetimeSeconds?: number;
}

/**
 * Google's ID-token issuer on loopback: an RSA key whose public half it publishes as a JWKS at
 * `jwksUrl` (as https://www.googleapis.com/oauth2/v3/certs does), and RS256 tokens signed with it
 * for a service account and an audience, shaped as Pub/Sub push and Cloud Scheduler send them.
 */
export class TestIdentityIssuer {
  private readonly keyId = `test-${randomUUID().slice(0, 8)}`;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | undefined;
  jwksUrl = '';

  async start(): Promise<string> {
    const jwk = { ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.keyId, alg: 'RS256', use: 'sig' };
    this.server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('cache-control', 'public, max-age=600');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    const server = this.server;
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    this.jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    return this.jwksUrl;
  }

  /** A signed ID token (the JWT alone, without `Bearer `). */
  token({ email, audience, lifetimeSeconds = 3600 }: IdentityTokenRequest): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: ISSUER,
      aud: audience,
      azp: email,
      sub: `1${now}`,
      email,
      email_verified: true,
      iat: now,
      exp: now + lifetimeSeconds,
    };
    const unsigned = `${part({ alg: 'RS256', kid: this.keyId, typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), this.keys.privateKey).toString('base64url')}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export interface OidcPolicy {
  /** The audience Pub/Sub or Cloud Scheduler put in the token (usually the service URL). */
  audience: string;
  /** Service accounts allowed to call (the token's verified email). */
  serviceAccounts: readonly string[];
  issuers?: readonly string[];
  jwksUrl?: string;
}

export class OidcTokenError extends Error {
  override readonly name = 'OidcTokenError';
}

const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Verifies a Google-signed OIDC bearer token (RS256): signature against the issuer's published
 * keys (cached for an hour), issuer, audience, expiry and the calling service account.
 */
export class OidcVerifier {
  private keys: Map<string, KeyObject> | undefined;
  private fetchedAt = 0;

  constructor(private readonly policy: OidcPolicy) {}

  private async key(kid: string): Promise<KeyObject> {
    const stale = Date.now() - this.fetchedAt > 3_600_000;
    if (!this.keys || stale || !this.keys.has(kid)) {
      const response = await fetch(this.policy.jwksUrl ?? GOOGLE_JWKS_URL);
      if (!response.ok) throw new OidcTokenError(`cannot fetch the signing keys: HTTP ${response.status}`);
      const { keys } = (await response.json()) as { keys: (JsonWebKey & { kid: string })[] };
      this.keys = new Map(keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
      this.fetchedAt = Date.now();
    }
    const key = this.keys.get(kid);
    if (!key) throw new OidcTokenError(`token signed with unknown key ${kid}`);
    return key;
  }

  /** Resolves with the caller's email, or throws OidcTokenError saying what is wrong (never the token itself). */
  async verify(authorization: string | undefined): Promise<string> {
    const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) throw new OidcTokenError('no bearer token');
    const [, headerPart, payloadPart, signaturePart] = match as unknown as [string, string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodePart(headerPart);
      claims = decodePart(payloadPart);
    } catch {
      throw new OidcTokenError('token is not a JWT');
    }
    if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw new OidcTokenError(`unsupported token algorithm ${String(header.alg)}`);
    const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), await this.key(header.kid), Buffer.from(signaturePart, 'base64url'));
    if (!signed) throw new OidcTokenError('bad token signature');
    const issuers = this.policy.issuers ?? GOOGLE_ISSUERS;
    if (!issuers.includes(String(claims.iss))) throw new OidcTokenError(`issuer ${String(claims.iss)} is not trusted`);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.policy.audience)) throw new OidcTokenError(`audience ${String(claims.aud)} is not ${this.policy.audience}`);
    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp < now - 30) throw new OidcTokenError('token expired');
    if (typeof claims.iat === 'number' && claims.iat > now + 300) throw new OidcTokenError('token issued in the future');
    if (claims.email_verified !== true || !this.policy.serviceAccounts.includes(String(claims.email))) throw new OidcTokenError(`caller ${String(claims.email)} is not an allowed service account`);
    return String(claims.email);
  }
}

import { errors, jwtVerify } from 'jose';
import { SigningKeyError, SigningKeys, type SigningKeysOptions } from './oidc-signing-keys';

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

/** jose's claim and signature failures as one line each (never the token itself). */
function describe(error: unknown, policy: OidcPolicy): string {
  if (error instanceof SigningKeyError) return error.message;
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad token signature';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return `issuer ${String(error.payload.iss)} is not trusted`;
    if (error.claim === 'aud') return `audience ${String(error.payload.aud)} is not ${policy.audience}`;
    if (error.claim === 'iat') return 'token issued in the future';
    return `claim ${error.claim} ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported token algorithm';
  if (error instanceof errors.JOSEError) return 'token is not a valid JWT';
  throw error;
}

/**
 * Verifies a Google-signed OIDC bearer token with `jose` (RS256 signature against the issuer's
 * published keys, issuer, audience, expiry with 30 s of clock skew) and the calling service account.
 */
export class OidcVerifier {
  readonly keys: SigningKeys;

  constructor(
    private readonly policy: OidcPolicy,
    keyOptions: SigningKeysOptions = {},
  ) {
    this.keys = new SigningKeys(policy.jwksUrl ?? GOOGLE_JWKS_URL, keyOptions);
  }

  /** Resolves with the caller's email, or throws OidcTokenError saying what is wrong. */
  async verify(authorization: string | undefined): Promise<string> {
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new OidcTokenError('no bearer token');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, (header) => this.keys.key(header.kid ?? ''), {
        algorithms: ['RS256'],
        issuer: [...(this.policy.issuers ?? GOOGLE_ISSUERS)],
        audience: this.policy.audience,
        clockTolerance: 30,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new OidcTokenError(describe(error, this.policy));
    }
    if (claims.email_verified !== true || !this.policy.serviceAccounts.includes(String(claims.email)))
      throw new OidcTokenError(`caller ${String(claims.email)} is not an allowed service account`);
    return String(claims.email);
  }
}

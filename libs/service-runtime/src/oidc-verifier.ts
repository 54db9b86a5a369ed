import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { SigningKeyError, SigningKeys, type SigningKeysOptions } from './oidc-signing-keys';

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/**
 * What Cloud Run puts in place of the signature of the identity token it checked before it hands
 * the request to the container: https://cloud.google.com/run/docs/troubleshooting#signature-removed
 * (and https://cloud.google.com/run/docs/authenticating/service-to-service#acquire-token: "Cloud Run
 * removes the token signature before passing the token to the user container").
 */
export const REMOVED_SIGNATURE = 'SIGNATURE_REMOVED_BY_GOOGLE';
/**
 * The header Cloud Run checks instead of `Authorization` when both are present; it then passes
 * `Authorization` to the container untouched (unchecked):
 * https://cloud.google.com/run/docs/authenticating/service-to-service#acquire-token
 */
export const SERVERLESS_AUTHORIZATION = 'x-serverless-authorization';

/** Who checked the caller's token before the request reached the app. */
export type AuthFrontEnd = 'none' | 'cloud-run';

/** The request headers a caller check reads. */
export interface CallerHeaders {
  authorization?: string | string[] | undefined;
  [SERVERLESS_AUTHORIZATION]?: string | string[] | undefined;
}

export interface OidcPolicy {
  /** The audience Pub/Sub or Cloud Scheduler put in the token (usually the service URL). */
  audience: string;
  /** Service accounts allowed to call (the token's verified email). */
  serviceAccounts: readonly string[];
  issuers?: readonly string[];
  jwksUrl?: string;
  /**
   * 'cloud-run': the service runs behind Cloud Run's IAM check (docs/operations/authentication.md),
   * which verified the token's signature and removed it; the app checks the forwarded claims.
   * Absent or 'none': the app verifies the signature itself (locally, in tests).
   */
  frontEnd?: AuthFrontEnd;
}

/** How far the caller's clock may be from ours, either way. */
const CLOCK_SKEW_SECONDS = 30;
/** Google signs ID tokens for one hour: https://cloud.google.com/docs/authentication/token-types#id */
const GOOGLE_ID_TOKEN_LIFETIME_SECONDS = 3_600;

export class OidcTokenError extends Error {
  override readonly name = 'OidcTokenError';
}

/** jose's claim and signature failures as one line each (never the token itself). */
function describe(error: unknown, policy: OidcPolicy): string {
  if (error instanceof SigningKeyError) return error.message;
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad token signature';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `claim ${error.claim} missing`;
    if (error.claim === 'iss') return `issuer ${String(error.payload.iss)} is not trusted`;
    if (error.claim === 'aud') return `audience ${String(error.payload.aud)} is not ${policy.audience}`;
    if (error.claim === 'iat') return 'token issued in the future';
    if (error.claim === 'nbf') return 'token not valid yet';
    return `claim ${error.claim} ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported token algorithm';
  if (error instanceof errors.JOSEError) return 'token is not a valid JWT';
  throw error;
}

/**
 * Verifies a Google-signed OIDC bearer token with `jose` (RS256 signature against the issuer's
 * published keys, issuer, audience, expiry and issue time with 30 s of clock skew) and the calling service account.
 */
export class OidcVerifier {
  readonly keys: SigningKeys;
  private readonly now: () => number;

  constructor(
    private readonly policy: OidcPolicy,
    keyOptions: SigningKeysOptions = {},
  ) {
    this.keys = new SigningKeys(policy.jwksUrl ?? GOOGLE_JWKS_URL, keyOptions);
    this.now = keyOptions.now ?? Date.now;
  }

  /**
   * The caller of a request, from the header its token arrives in: behind Cloud Run the one Cloud
   * Run checked (`X-Serverless-Authorization` when present, else `Authorization`), otherwise
   * `Authorization`. Resolves with the caller's email, or throws OidcTokenError saying what is wrong.
   */
  async verifyCaller(headers: CallerHeaders): Promise<string> {
    const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);
    if (this.policy.frontEnd !== 'cloud-run') return this.verify(single(headers.authorization));
    const serverless = headers[SERVERLESS_AUTHORIZATION];
    // When both are present Cloud Run checked X-Serverless-Authorization only: Authorization is whatever the caller sent.
    return this.verify(single(serverless === undefined ? headers.authorization : serverless));
  }

  /**
   * Resolves with the caller's email, or throws OidcTokenError saying what is wrong. Behind Cloud
   * Run, a token whose signature Cloud Run removed is judged by its claims (Cloud Run verified the
   * signature, the audience and the invoker before forwarding it); any other token, and every token
   * without the front end, is verified in full.
   */
  async verify(authorization: string | undefined): Promise<string> {
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new OidcTokenError('no bearer token');
    const claims =
      this.policy.frontEnd === 'cloud-run' && token.endsWith(`.${REMOVED_SIGNATURE}`)
        ? this.forwardedClaims(token)
        : await this.verifiedClaims(token);
    if (claims.email_verified !== true || !this.policy.serviceAccounts.includes(String(claims.email)))
      throw new OidcTokenError(`caller ${String(claims.email)} is not an allowed service account`);
    return String(claims.email);
  }

  /** The claims of a token Cloud Run checked and forwarded without its signature: issuer, audience and expiry still hold. */
  private forwardedClaims(token: string): Record<string, unknown> {
    let claims: Record<string, unknown>;
    try {
      if (decodeProtectedHeader(token).alg !== 'RS256') throw new OidcTokenError('unsupported token algorithm');
      claims = decodeJwt(token);
    } catch (error) {
      if (error instanceof OidcTokenError) throw error;
      throw new OidcTokenError('token is not a valid JWT');
    }
    const issuers = this.policy.issuers ?? GOOGLE_ISSUERS;
    if (!issuers.includes(String(claims.iss))) throw new OidcTokenError(`issuer ${String(claims.iss)} is not trusted`);
    const audiences = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
    if (!audiences.includes(this.policy.audience))
      throw new OidcTokenError(`audience ${audiences.join(',')} is not ${this.policy.audience}`);
    if (typeof claims.exp !== 'number') throw new OidcTokenError('claim exp missing');
    const nowSeconds = Math.floor(this.now() / 1000);
    if (claims.exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw new OidcTokenError('token expired');
    if (typeof claims.iat !== 'number') throw new OidcTokenError('claim iat missing');
    if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new OidcTokenError('token issued in the future');
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)
      throw new OidcTokenError('token not valid yet');
    return claims;
  }

  private async verifiedClaims(token: string): Promise<Record<string, unknown>> {
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, (header) => this.keys.key(header.kid ?? ''), {
        algorithms: ['RS256'],
        issuer: [...(this.policy.issuers ?? GOOGLE_ISSUERS)],
        audience: this.policy.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        // With maxTokenAge jose requires `iat` and refuses one more than the clock tolerance ahead
        // ("it should be in the past"); without it a token issued in the future passes. RFC 7519
        // §4.1.6 (iat: when the token was issued) and §4.1.5 (nbf, which jose always checks):
        // https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6. Google's ID tokens live one hour.
        maxTokenAge: GOOGLE_ID_TOKEN_LIFETIME_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      throw new OidcTokenError(describe(error, this.policy));
    }
    return claims;
  }
}

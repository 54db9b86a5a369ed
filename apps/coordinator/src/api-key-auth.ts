import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';
import { ServiceError } from '@props/contracts';
import {
  OidcTokenError,
  OidcVerifier,
  SERVERLESS_AUTHORIZATION,
  replyWithError,
  type OidcPolicy,
} from '@props/service-runtime';

export const API_KEY_HEADER = 'x-api-key';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Every route of `scope` (a plugin around the mutating endpoints) needs the API key in `x-api-key` (compared in constant time) or, when
 * an OIDC policy is configured, a bearer token from an allowed service account (Cloud Scheduler,
 * Pub/Sub push): verified here, or behind Cloud Run the one its IAM check verified
 * (OidcVerifier.verifyCaller). A bearer token's caller is always checked; neither secret is logged.
 */
export function requireCaller(scope: FastifyInstance, apiKey: string, oidc: OidcPolicy | null): void {
  const expected = digest(apiKey);
  const verifier = oidc ? new OidcVerifier(oidc) : null;
  scope.addHook('onRequest', async (request, reply) => {
    const given = request.headers[API_KEY_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return;
    let reason = given === undefined ? 'no api key' : 'wrong api key';
    if (verifier && (request.headers.authorization || request.headers[SERVERLESS_AUTHORIZATION])) {
      try {
        await verifier.verifyCaller(request.headers);
        return;
      } catch (error) {
        if (!(error instanceof OidcTokenError)) throw error;
        reason = `${reason}; OIDC: ${error.message}`;
      }
    }
    request.log.warn(
      { event: LogEvent.authRejected, path: request.url, reason },
      'request refused: no valid credentials',
    );
    return replyWithError(
      reply,
      new ServiceError(
        'unauthorized',
        `missing or wrong ${API_KEY_HEADER} header${verifier ? ' or OIDC bearer token' : ''}`,
      ),
    );
  });
}

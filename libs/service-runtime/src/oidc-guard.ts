import type { FastifyInstance } from 'fastify';
import { ServiceError } from '@props/contracts';
import { LogEvent } from '@props/observability';
import { replyWithError } from './error-replies';
import { OidcTokenError, OidcVerifier, type OidcPolicy } from './oidc-verifier';

/**
 * Every route of `scope` (a plugin around the routes it protects) needs an OIDC bearer token from
 * an allowed service account (Pub/Sub push, Cloud Scheduler): verified here, or behind Cloud Run
 * the one its IAM check verified (OidcVerifier.verifyCaller).
 */
export function requireOidc(scope: FastifyInstance, policy: OidcPolicy): void {
  const verifier = new OidcVerifier(policy);
  scope.addHook('onRequest', async (request, reply) => {
    try {
      await verifier.verifyCaller(request.headers);
    } catch (error) {
      if (!(error instanceof OidcTokenError)) throw error;
      request.log.warn(
        { event: LogEvent.authRejected, path: request.url, reason: error.message },
        'request refused: OIDC token not accepted',
      );
      // What was wrong goes to the log only: the body must not describe the configuration (the audience).
      return replyWithError(reply, new ServiceError('unauthorized', 'unauthorized'));
    }
  });
}

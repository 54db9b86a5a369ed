import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';
import { OidcTokenError, OidcVerifier, type OidcPolicy } from './oidc-verifier';

/** Every POST needs a verified OIDC bearer token from an allowed service account (Pub/Sub push, Cloud Scheduler). */
export function requireOidc(app: FastifyInstance, policy: OidcPolicy): void {
  const verifier = new OidcVerifier(policy);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    try {
      await verifier.verify(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof OidcTokenError)) throw error;
      request.log.warn(
        { event: LogEvent.authRejected, path: request.url, reason: error.message },
        'request refused: OIDC token not accepted',
      );
      // What was wrong goes to the log only: the body must not describe the configuration (the audience).
      return reply.code(401).send({ error: 'unauthorized', code: 'unauthorized' });
    }
  });
}

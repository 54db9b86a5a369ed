import type { FastifyInstance } from 'fastify';

/**
 * A token the starter of a child service (ServiceChild) gives it, which the service sends back in
 * a header of every answer: a port picked free can be taken by another process before the child
 * listens, and that process may answer /health/ready too. Unset in production: no header.
 */
export const INSTANCE_TOKEN_VARIABLE = 'PROPS_INSTANCE_TOKEN';
export const INSTANCE_TOKEN_HEADER = 'x-props-instance';

export function answerWithInstanceToken(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header(INSTANCE_TOKEN_HEADER, token);
    done(null, payload);
  });
}

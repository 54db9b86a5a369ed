import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';

export const API_KEY_HEADER = 'x-api-key';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Every mutating endpoint needs the API key in `x-api-key` (compared in constant time). A bearer
 * token alone is never accepted unchecked; the key itself is never logged.
 */
export function requireApiKey(app: FastifyInstance, apiKey: string): void {
  const expected = digest(apiKey);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const given = request.headers[API_KEY_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return;
    request.log.warn({ event: LogEvent.authRejected, path: request.url, reason: given === undefined ? 'no api key' : 'wrong api key' }, 'request refused: missing or wrong api key');
    return reply.code(401).send({ error: `missing or wrong ${API_KEY_HEADER} header` });
  });
}

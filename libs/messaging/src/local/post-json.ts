import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type * as Https from 'node:https';

/**
 * Connections kept open between pushes, one pool per process: a local batch sends hundreds of
 * small POSTs to the same one or two endpoints. fetch (undici) was the largest share of the
 * worker's CPU per push in a profile of a local batch; with node:http and a keep-alive agent the
 * worker's CPU over the pushes fell by about a fifth (docs/performance.md).
 */
const httpAgent = new HttpAgent({ keepAlive: true });
let https: { request: typeof Https.request; agent: Https.Agent } | undefined;

/** node:https (and TLS with it) loaded on the first https: URL: loading it took ~1 ms of each start, and local pushes are plain HTTP. */
function httpsClient(): { request: typeof Https.request; agent: Https.Agent } {
  if (!https) {
    const { request, Agent } = process.getBuiltinModule('node:https');
    https = { request, agent: new Agent({ keepAlive: true }) };
  }
  return https;
}

/** As long as fetch (undici) waited for an answer's headers before it gave up. */
const ANSWER_TIMEOUT_MS = 300_000;

/**
 * POSTs a JSON body and resolves with the answer's status once the answer has been read to its
 * end (so the connection goes back to the pool). Rejects with the connection's error, whose
 * `code` names it (ECONNREFUSED, ECONNRESET, ETIMEDOUT).
 */
export function postJson(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<number> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? httpsClient() : { request: httpRequest, agent: httpAgent };
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: client.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: ANSWER_TIMEOUT_MS,
      },
      (answer: IncomingMessage) => {
        answer.on('error', reject);
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.resume();
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })),
    );
    request.on('error', reject);
    request.end(body);
  });
}

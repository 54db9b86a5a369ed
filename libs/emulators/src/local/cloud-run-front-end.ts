import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/**
 * Cloud Run's IAM front end as the documentation describes it, on loopback, before a container
 * (testing code only; docs/operations/authentication.md says how the services rely on it):
 *
 * - The caller's Google-signed ID token comes in `X-Serverless-Authorization` or `Authorization`;
 *   when both are present Cloud Run checks `X-Serverless-Authorization` and passes `Authorization`
 *   through untouched (https://cloud.google.com/run/docs/authenticating/service-to-service#acquire-token).
 * - The token's signature, issuer and expiry must verify, its audience must be the service's URL
 *   or one of its custom audiences (https://cloud.google.com/run/docs/configuring/custom-audiences),
 *   and its principal must hold roles/run.invoker on the service
 *   (https://cloud.google.com/run/docs/securing/managing-access). Otherwise the container never sees
 *   the request: 401 for a missing or unverifiable token, 403 for a caller that may not invoke
 *   (https://cloud.google.com/run/docs/troubleshooting#unauthorized-client).
 * - The container receives the checked token with its signature replaced by
 *   `SIGNATURE_REMOVED_BY_GOOGLE` (https://cloud.google.com/run/docs/troubleshooting#signature-removed).
 */
export const REMOVED_SIGNATURE = 'SIGNATURE_REMOVED_BY_GOOGLE';
const SERVERLESS = 'x-serverless-authorization';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te']);

export interface CloudRunFrontEndOptions {
  /** The container's address, e.g. http://127.0.0.1:8080. */
  target: string;
  /** The audiences Cloud Run accepts for the service: its URL and its custom audiences. */
  audiences: readonly string[];
  /** Service accounts granted roles/run.invoker on the service. */
  invokers: readonly string[];
  /** Where the issuer publishes its signing keys (a TestIdentityIssuer's jwksUrl). */
  jwksUrl: string;
  /** A name for the exchanges it reports. */
  service?: string;
  /** Each request, once answered: what the front end decided and what the container answered. */
  onExchange?: (exchange: FrontEndExchange) => void;
}

export interface FrontEndExchange {
  service: string;
  method: string;
  path: string;
  status: number;
  /** The token's email when the front end accepted it. */
  caller?: string;
  /** Why the front end refused the request (it never reached the container). */
  refused?: string;
}

class Refusal extends Error {
  constructor(
    readonly status: 401 | 403,
    reason: string,
  ) {
    super(reason);
  }
}

/** What Cloud Run answers instead of forwarding: a short HTML page, as its Google Front End does. */
function refusalPage(status: 401 | 403, path: string): string {
  const [title, sentence] =
    status === 401
      ? ['401 Unauthorized', `Your client does not have permission to the requested URL <code>${path}</code>.`]
      : ['403 Forbidden', `Your client does not have permission to get URL <code>${path}</code> from this server.`];
  return `<html><head><title>${title}</title></head><body><h1>Error: ${title.slice(4)}</h1><h2>${sentence}</h2></body></html>\n`;
}

export class CloudRunFrontEnd {
  private server: Server | undefined;
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly target: URL;
  readonly exchanges: FrontEndExchange[] = [];
  url = '';

  constructor(private readonly options: CloudRunFrontEndOptions) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl));
    this.target = new URL(options.target);
  }

  async start(): Promise<string> {
    this.server = createServer((incoming, outgoing) => {
      const path = incoming.url ?? '/';
      const record = (exchange: Omit<FrontEndExchange, 'service' | 'method' | 'path'>) => {
        const entry = {
          service: this.options.service ?? 'service',
          method: incoming.method ?? 'GET',
          path,
          ...exchange,
        };
        this.exchanges.push(entry);
        this.options.onExchange?.(entry);
      };
      void this.admit(incoming.headers).then(
        ({ caller, headers }) => {
          const forwarded = httpRequest(
            {
              host: this.target.hostname,
              port: this.target.port,
              method: incoming.method,
              path,
              headers: {
                ...headers,
                'x-forwarded-for': incoming.socket.remoteAddress ?? '127.0.0.1',
                'x-forwarded-proto': 'https',
              },
            },
            (answer) => {
              const back = Object.fromEntries(
                Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
              );
              outgoing.writeHead(answer.statusCode ?? 502, back);
              answer.pipe(outgoing);
              answer.on('end', () => record({ status: answer.statusCode ?? 502, caller }));
            },
          );
          forwarded.on('error', (error) => {
            // The container is not listening or closed the connection: Cloud Run answers 503.
            if (!outgoing.headersSent) outgoing.writeHead(503, { 'content-type': 'text/plain' });
            outgoing.end(`upstream: ${error.message}\n`);
            record({ status: 503, caller, refused: `the container did not answer: ${error.message}` });
          });
          incoming.pipe(forwarded);
        },
        (error: unknown) => {
          const refusal = error instanceof Refusal ? error : new Refusal(401, String(error));
          incoming.resume();
          outgoing.writeHead(refusal.status, { 'content-type': 'text/html; charset=UTF-8' });
          outgoing.end(refusalPage(refusal.status, path));
          record({ status: refusal.status, refused: refusal.message });
        },
      );
    });
    const server = this.server;
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The IAM check: which header carries the token, whether it verifies, and whether its principal may invoke. */
  private async admit(headers: IncomingHttpHeaders): Promise<{ caller: string; headers: IncomingHttpHeaders }> {
    const name = headers[SERVERLESS] !== undefined ? SERVERLESS : 'authorization';
    const value = headers[name];
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(
      typeof value === 'string' ? value : '',
    )?.[1];
    if (!token) throw new Refusal(401, `no bearer token in ${name}`);
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        issuer: GOOGLE_ISSUERS,
        audience: [...this.options.audiences],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new Refusal(401, `token refused: ${error.code}`);
      throw error;
    }
    const email = String(claims.email);
    if (claims.email_verified !== true || !this.options.invokers.includes(email))
      throw new Refusal(403, `${email} may not invoke ${this.options.service ?? 'the service'}`);
    const [header, payload] = token.split('.');
    return { caller: email, headers: { ...headers, [name]: `Bearer ${header}.${payload}.${REMOVED_SIGNATURE}` } };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

/**
 * Pub/Sub's authenticated push, which the emulator lacks: it pushes without a token, so this relay
 * adds `Authorization: Bearer <ID token>` for the subscription's service account and audience, as
 * Pub/Sub does (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions), and passes
 * the endpoint's answer back so Pub/Sub's acknowledgement and redelivery stay real.
 */
export class PushTokenRelay {
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly endpoint: string,
    private readonly token: () => string,
  ) {}

  async start(): Promise<string> {
    const endpoint = new URL(this.endpoint);
    this.server = createServer((incoming, outgoing) => {
      const headers = Object.fromEntries(
        Object.entries(incoming.headers).filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'host'),
      );
      const forwarded = httpRequest(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          method: incoming.method,
          path: endpoint.pathname + endpoint.search,
          headers: { ...headers, authorization: `Bearer ${this.token()}` },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, {
            'content-type': answer.headers['content-type'] ?? 'text/plain',
          });
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(503);
        outgoing.end(error.message);
      });
      incoming.pipe(forwarded);
    });
    const server = this.server;
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { disabledApiAnswer } from './disabled-api-answer';

/**
 * A Google API that is disabled in the caller's project, on loopback (testing code only): every
 * request gets Google's answer, HTTP 403 PERMISSION_DENIED whose `details` hold a
 * `google.rpc.ErrorInfo` with reason SERVICE_DISABLED, domain googleapis.com and the service and
 * consumer in its metadata (the error model: https://cloud.google.com/apis/design/errors#error_info;
 * the reason and its example: googleapis/googleapis google/api/error_reason.proto, SERVICE_DISABLED).
 * The REST APIs also keep the legacy `errors[]` entry with reason accessNotConfigured.
 */
export class DisabledApiEndpoint {
  private server: Server | undefined;
  url = '';

  constructor(
    /** The API's service name, e.g. bigquery.googleapis.com. */
    private readonly service: string,
    /** Its title as Google's message names it, e.g. BigQuery API. */
    private readonly title: string,
    private readonly projectNumber = '123456789',
  ) {}

  /** The error body Google answers with. */
  body() {
    const answer = disabledApiAnswer(this.service, this.title, this.projectNumber);
    return {
      error: {
        code: 403,
        message: answer.message,
        errors: [
          {
            message: answer.message,
            domain: 'usageLimits',
            reason: 'accessNotConfigured',
            extendedHelp: answer.activationUrl,
          },
        ],
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', ...answer.errorInfo }],
      },
    };
  }

  async start(): Promise<string> {
    const payload = JSON.stringify(this.body());
    this.server = createServer((incoming, outgoing) => {
      incoming.resume();
      incoming.on('end', () => {
        outgoing.writeHead(403, { 'content-type': 'application/json; charset=UTF-8' });
        outgoing.end(payload);
      });
    });
    const server = this.server;
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
}

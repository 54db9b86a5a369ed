import { createServer, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { disabledApiAnswer } from './disabled-api-answer';
import { encodeRpcStatus } from './rpc-status-encoding';

const PERMISSION_DENIED = 7;

/**
 * grpc-message's encoding: bytes outside printable ASCII, and '%' itself, as %XX of their UTF-8
 * (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md, Responses).
 */
function percentEncoded(message: string): string {
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * A gRPC Google API (Firestore, Pub/Sub) that is disabled in the caller's project, on loopback
 * over cleartext HTTP/2 (testing code only). Every call gets a Trailers-Only response as gRPC over
 * HTTP/2 specifies it (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): one
 * HEADERS frame ending the stream with :status 200, content-type application/grpc, grpc-status 7
 * (PERMISSION_DENIED), the percent-encoded grpc-message and grpc-status-details-bin, the
 * google.rpc.Status with the ErrorInfo (unpadded base64 of its protobuf bytes). Its message and
 * ErrorInfo are DisabledApiEndpoint's (disabledApiAnswer).
 */
export class DisabledGrpcEndpoint {
  private server: Http2Server | undefined;
  private readonly sessions = new Set<Http2Session>();
  /** host:port, as FIRESTORE_EMULATOR_HOST takes it. */
  host = '';

  constructor(
    /** The API's service name, e.g. firestore.googleapis.com. */
    private readonly service: string,
    /** Its title as Google's message names it, e.g. Cloud Firestore API. */
    private readonly title: string,
    private readonly projectNumber = '123456789',
  ) {}

  /** The Trailers-Only response headers every call gets. */
  trailers(): Record<string, string | number> {
    const answer = disabledApiAnswer(this.service, this.title, this.projectNumber);
    const details = encodeRpcStatus(PERMISSION_DENIED, answer.message, answer.errorInfo);
    return {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(PERMISSION_DENIED),
      'grpc-message': percentEncoded(answer.message),
      'grpc-status-details-bin': details.toString('base64').replace(/=+$/, ''),
    };
  }

  async start(): Promise<string> {
    const headers = this.trailers();
    this.server = createServer();
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.server.on('stream', (stream) => {
      stream.resume();
      stream.respond(headers, { endStream: true });
    });
    const server = this.server;
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    this.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.host;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const session of this.sessions) session.destroy();
    await new Promise((closed) => server.close(closed));
  }
}

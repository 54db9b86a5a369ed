import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The metadata server every Cloud Run container can reach
 * (https://cloud.google.com/run/docs/container-contract#metadata-server), on loopback: the client
 * libraries take K_SERVICE (which Cloud Run sets) as proof of Google Cloud and ask it for the
 * service identity's access token. It answers with a stand-in token (the emulators and the
 * loopback BigQuery endpoint ignore it), the service account, the project and the default
 * universe, each with the `Metadata-Flavor: Google` header the libraries require; anything else,
 * or a request without `Metadata-Flavor: Google`, is a 404. Point a process at it with
 * GCE_METADATA_HOST=<host>.
 */
export class MetadataServerStandIn {
  private server: Server | undefined;
  host = '';

  constructor(
    private readonly projectId: string,
    private readonly serviceAccount = `service@${projectId}.iam.gserviceaccount.com`,
  ) {}

  async start(): Promise<string> {
    const answers: Record<string, string> = {
      '/computeMetadata/v1/instance/service-accounts/default/token': JSON.stringify({
        access_token: 'stand-in-access-token',
        expires_in: 3600,
        token_type: 'Bearer',
      }),
      '/computeMetadata/v1/instance/service-accounts/default/email': this.serviceAccount,
      '/computeMetadata/v1/project/project-id': this.projectId,
      '/computeMetadata/v1/universe/universe-domain': 'googleapis.com',
    };
    this.server = createServer((request, response) => {
      const answer = answers[(request.url ?? '').split('?')[0]!];
      const found = answer !== undefined && request.headers['metadata-flavor'] === 'Google';
      response.writeHead(found ? 200 : 404, {
        'metadata-flavor': 'Google',
        'content-type': answer?.startsWith('{') ? 'application/json' : 'application/text',
      });
      response.end(found ? answer : 'not found');
    });
    const server = this.server;
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
    this.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.host;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

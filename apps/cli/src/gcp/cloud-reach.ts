import { Firestore } from '@google-cloud/firestore';
import { ServiceError, errorMessage } from '@props/contracts';
import { bigQueryClient } from '@props/gcp-clients';
import { connect } from 'node:net';
import { clause, cloudHint, firstLine, networkCause } from '../cli-errors';
import { disabledApi } from '../disabled-api';

/** How long the CLI waits for a Google Cloud service's first answer before it says why it stopped. */
export const DEFAULT_CLOUD_WAIT_SECONDS = 30;

export type CloudService = 'bigquery' | 'firestore';

export interface CloudTarget {
  projectId: string;
  bigQueryLocation: string;
  bigQueryEndpoint?: string;
  firestoreDatabase: string;
}

const reached = new Set<string>();

/** The host and port a service is called at: its emulator or endpoint when one is set, else Google's. */
function endpointOf(
  service: CloudService,
  target: CloudTarget,
  env: NodeJS.ProcessEnv,
): { host: string; port: number } {
  if (service === 'firestore' && env.FIRESTORE_EMULATOR_HOST) {
    const [host, port] = env.FIRESTORE_EMULATOR_HOST.split(':');
    return { host: host!, port: Number(port ?? 80) };
  }
  if (service === 'bigquery' && target.bigQueryEndpoint) {
    const url = new URL(target.bigQueryEndpoint);
    return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
  }
  return { host: service === 'bigquery' ? 'bigquery.googleapis.com' : 'firestore.googleapis.com', port: 443 };
}

/** Why the service did not answer, found by connecting to it: refused, DNS, timed out, or connected. */
function connectionCause({ host, port }: { host: string; port: number }): Promise<string> {
  return new Promise((resolveCause) => {
    const socket = connect({ host, port, timeout: 5_000 });
    const done = (cause: string) => {
      socket.destroy();
      resolveCause(`${host}:${port}: ${cause}`);
    };
    socket.once('connect', () => done('accepts connections but the service did not answer'));
    socket.once('timeout', () => done('the connection timed out'));
    socket.once('error', (error) => done(networkCause(error)));
  });
}

/** The wait, from PROPS_CLOUD_WAIT_SECONDS (a positive number of seconds), else the default. */
export function cloudWaitSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.PROPS_CLOUD_WAIT_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_CLOUD_WAIT_SECONDS;
  const seconds = Number(raw);
  if (!(seconds > 0 && seconds <= 600))
    throw new ServiceError('bad_cloud_wait', `PROPS_CLOUD_WAIT_SECONDS: expected 1-600 seconds, got "${raw}"`);
  return seconds;
}

/** The cheapest call that proves the service answers with these credentials. */
function probe(service: CloudService, target: CloudTarget): Promise<unknown> {
  if (service === 'bigquery') {
    // A query job, as the grading stores run theirs (jobs.insert, then getQueryResults).
    const client = bigQueryClient(target.projectId, target.bigQueryEndpoint);
    return client
      .createQueryJob({ query: 'SELECT 1', location: target.bigQueryLocation })
      .then(([job]) => job.getQueryResults());
  }
  const firestore = new Firestore({ projectId: target.projectId, databaseId: target.firestoreDatabase });
  return firestore.collection('grading_locks').limit(1).get();
}

const NAMES: Record<CloudService, string> = { bigquery: 'BigQuery', firestore: 'Firestore' };

/**
 * Proves each service answers before a command starts work on it: an unreachable endpoint or
 * missing credentials would otherwise leave the Google clients retrying for minutes (gRPC
 * reconnects with backoff) and end in a stack. Within the wait it is one line with the cause and
 * a hint (gcloud auth application-default login); each service is probed once per process.
 */
export async function reachCloud(
  env: NodeJS.ProcessEnv,
  target: CloudTarget,
  services: readonly CloudService[],
): Promise<void> {
  const seconds = cloudWaitSeconds(env);
  for (const service of services) {
    const key = `${service}:${target.projectId}`;
    if (reached.has(key)) continue;
    const where = `${NAMES[service]} (project ${target.projectId})`;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void connectionCause(endpointOf(service, target, env)).then((cause) =>
          reject(
            new ServiceError(
              'cloud_unreachable',
              `${where} did not answer within ${seconds} s (${cause}); ${cloudHint({ code: 14 })}`,
            ),
          ),
        );
      }, seconds * 1000);
      timer.unref();
    });
    try {
      await Promise.race([probe(service, target), deadline]);
      reached.add(key);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const disabled = disabledApi(error);
      if (disabled) throw new ServiceError('api_disabled', `${where} cannot be used: ${disabled}`);
      const cause = clause(firstLine(errorMessage(error)));
      const hint = cloudHint(error) ?? 'check GCP_PROJECT_ID and gcloud auth application-default login';
      throw new ServiceError('cloud_unreachable', `${where} cannot be reached: ${cause}; ${hint}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

// The Google services the containers on the gcp backend talk to, on loopback: gcloud's Firestore
// and Pub/Sub emulators, the loopback BigQuery endpoint answered from a seeded DuckDB warehouse,
// Google's ID-token issuer, the metadata server, and Cloud Run's IAM front end before each service's container
// (libs/emulators: CloudRunFrontEnd). Pub/Sub pushes requests to the worker's /predict and
// completions to the coordinator's /complete through the front ends, each with the pusher's token
// (PushTokenRelay: the emulator sends none); the scheduler's calls are the check's own, with the
// scheduler's token. Run by the gate's images check
// (`node --import tsx tools/gate/images/gcp-stand-ins.ts <worker port> <coordinator port>`, the
// ports the containers will listen on): prints one JSON line with the addresses and tokens, then
// one `{"exchange": …}` line per request a front end answered, until its standard input closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { DEFAULT_TOPICS } from '@props/contracts';
import {
  BigQueryRestEmulator,
  CloudRunFrontEnd,
  MetadataServerStandIn,
  PushTokenRelay,
  TestIdentityIssuer,
  emulatorUnavailable,
  startEmulator,
  type FrontEndExchange,
} from '@props/emulators';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';

const PROJECT_ID = 'props-gate';
const PUSHER = 'pusher@props-gate.iam.gserviceaccount.com';
const SCHEDULER = 'scheduler@props-gate.iam.gserviceaccount.com';
/** Each service's custom audience and the identities granted roles/run.invoker on it (as infra/src declares them). */
const SERVICES = {
  worker: { name: 'prediction-worker', audience: 'https://worker.props-gate.invalid', invokers: [PUSHER] },
  coordinator: {
    name: 'prediction-coordinator',
    audience: 'https://coordinator.props-gate.invalid',
    invokers: [PUSHER, SCHEDULER],
  },
} as const;
const TOPICS = Object.values(DEFAULT_TOPICS);

async function main(): Promise<void> {
  const [workerPort, coordinatorPort] = process.argv.slice(2).map(Number);
  if (!workerPort || !coordinatorPort) throw new Error('usage: gcp-stand-ins.ts <worker port> <coordinator port>');
  const missing = emulatorUnavailable('firestore') ?? emulatorUnavailable('pubsub');
  if (missing) throw new Error(missing);
  const folder = mkdtempSync(join(tmpdir(), 'props-images-'));
  const [firestore, pubsub] = await Promise.all([startEmulator('firestore'), startEmulator('pubsub')]);
  const { out } = await seedWarehouse({
    samplesDir: 'data/nba-samples',
    out: join(folder, 'warehouse.duckdb'),
    seed: 7,
  });

  const metadata = new MetadataServerStandIn(PROJECT_ID);
  await metadata.start();
  const issuer = new TestIdentityIssuer();
  const jwksUrl = await issuer.start();
  const report = (exchange: FrontEndExchange) => process.stdout.write(`${JSON.stringify({ exchange })}\n`);
  const frontEnds = {
    worker: new CloudRunFrontEnd({
      target: `http://127.0.0.1:${workerPort}`,
      audiences: [SERVICES.worker.audience],
      invokers: SERVICES.worker.invokers,
      jwksUrl,
      service: 'worker',
      onExchange: report,
    }),
    coordinator: new CloudRunFrontEnd({
      target: `http://127.0.0.1:${coordinatorPort}`,
      audiences: [SERVICES.coordinator.audience],
      invokers: SERVICES.coordinator.invokers,
      jwksUrl,
      service: 'coordinator',
      onExchange: report,
    }),
  };
  const [workerUrl, coordinatorUrl] = await Promise.all([frontEnds.worker.start(), frontEnds.coordinator.start()]);
  const relays = [
    new PushTokenRelay(`${workerUrl}/predict`, () =>
      issuer.token({ email: PUSHER, audience: SERVICES.worker.audience }),
    ),
    new PushTokenRelay(`${coordinatorUrl}/complete`, () =>
      issuer.token({ email: PUSHER, audience: SERVICES.coordinator.audience }),
    ),
  ];
  const [toWorker, toCoordinator] = await Promise.all(relays.map((relay) => relay.start()));

  process.env.PUBSUB_EMULATOR_HOST = pubsub.host;
  const client = new PubSub({ projectId: PROJECT_ID });
  for (const topic of TOPICS) await client.createTopic(topic);
  const push = {
    ackDeadlineSeconds: 60,
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
  };
  await client
    .topic(DEFAULT_TOPICS.predictionRequest)
    .createSubscription('prediction-request-worker', { ...push, pushConfig: { pushEndpoint: toWorker } });
  await client
    .topic(DEFAULT_TOPICS.predictionReady)
    .createSubscription('prediction-ready-coordinator', { ...push, pushConfig: { pushEndpoint: toCoordinator } });
  await client.close();

  await withWarehouse(out, async (connection) => {
    const bigquery = new BigQueryRestEmulator(connection);
    const bigqueryUrl = await bigquery.start();
    process.stdout.write(
      `${JSON.stringify({
        projectId: PROJECT_ID,
        firestoreHost: firestore.host,
        pubsubHost: pubsub.host,
        bigqueryUrl,
        jwksUrl,
        metadataHost: metadata.host,
        services: {
          worker: { ...SERVICES.worker, url: workerUrl, callers: [PUSHER] },
          coordinator: { ...SERVICES.coordinator, url: coordinatorUrl, callers: [PUSHER, SCHEDULER] },
        },
        // Cloud Scheduler's OIDC token for the coordinator (infra/src/schedules.ts), and one for a caller that is no invoker.
        schedulerToken: issuer.token({ email: SCHEDULER, audience: SERVICES.coordinator.audience }),
        strangerToken: issuer.token({
          email: 'stranger@props-gate.iam.gserviceaccount.com',
          audience: SERVICES.coordinator.audience,
        }),
      })}\n`,
    );
    await new Promise<void>((resolveEnd) => {
      process.stdin.on('end', resolveEnd).on('close', resolveEnd).resume();
    });
    await bigquery.stop();
  });
  await Promise.all([...relays.map((relay) => relay.stop()), frontEnds.worker.stop(), frontEnds.coordinator.stop()]);
  await issuer.stop();
  await metadata.stop();
  await Promise.all([firestore.stop(), pubsub.stop()]);
  rmSync(folder, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`gcp stand-ins failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

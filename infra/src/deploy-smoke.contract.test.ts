import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BigQueryRestEmulator,
  CloudRunFrontEnd,
  MetadataServerStandIn,
  PushTokenRelay,
  TestIdentityIssuer,
  emulatorUnavailable,
  startEmulator,
  type RunningEmulator,
} from '@props/emulators';
import { freePort } from '@props/service-runtime';
import { seedWarehouse } from '@props/season';
import { WAREHOUSE_TABLES, datasetName, withWarehouse } from '@props/warehouse';
import type { Grant } from './permissions/permission-matrix';
import { grantsOf, holders, scopesOf } from './test-support/grants';
import { runThroughPulumiHost, type HostedResource } from './test-support/pulumi-host';

/**
 * `props smoke` as deploy.yml runs it after staging's rollout, with exactly the permissions the
 * program gives the deploy identity: the platform and staging stacks are loaded through Pulumi's
 * own entry path, and their grants configure the stand-ins. Cloud Run's front end admits the
 * callers holding run.routes.invoke on each service; the BigQuery endpoint the smoke's verify reads
 * answers only the datasets on which the deploy identity holds bigquery.tables.getData. The services
 * run from source on the gcp backend with the environment the program declares for them.
 */
const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
const missing = emulatorUnavailable('firestore') ?? emulatorUnavailable('pubsub');
if (missing && !required) console.log(`deploy smoke contract skipped: ${missing}`);

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROJECT = 'nba-props-platform';
const DEPLOYER = `props-deployer@${PROJECT}.iam.gserviceaccount.com`;
const API_KEY = 'deploy-smoke-contract-key-0123';
const DATE = '2025-03-15';

type Env = Record<string, string>;

/** The plain environment the program declares for a service (secrets are Cloud Run's to inject). */
function declaredEnvironment(service: HostedResource): Env {
  const envs = service.inputs.template.containers[0].envs as Array<{ name: string; value?: string }>;
  return Object.fromEntries(envs.filter((env) => env.value !== undefined).map((env) => [env.name, env.value!]));
}

function runProps(args: string[], env: Env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['tools/bin/props.cjs', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function untilAnswering(url: string) {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (
      await fetch(url).then(
        (answer) => answer.ok,
        () => false,
      )
    )
      return;
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error(`${url} never answered`);
}

describe.skipIf(missing !== undefined && !required)(
  "props smoke with the deploy identity's permissions, in the stand-ins (contract)",
  { timeout: 400_000 },
  () => {
    let grants: Grant[] = [];
    let staging: HostedResource[] = [];
    let firestore: RunningEmulator;
    let pubsubEmulator: RunningEmulator;
    let folder: string;
    const children: ChildProcess[] = [];
    const standIns: Array<{ stop(): Promise<void> }> = [];

    beforeAll(async () => {
      const [platformRun, stagingRun] = await Promise.all([
        runThroughPulumiHost('platform'),
        runThroughPulumiHost('staging'),
      ]);
      expect([platformRun.status, stagingRun.status], platformRun.stderr + stagingRun.stderr).toEqual([0, 0]);
      staging = stagingRun.resources;
      grants = [...grantsOf(platformRun.resources), ...grantsOf(staging)];
      [firestore, pubsubEmulator] = await Promise.all([startEmulator('firestore'), startEmulator('pubsub')]);
      folder = mkdtempSync(join(tmpdir(), 'props-deploy-smoke-'));
    }, 240_000);

    afterAll(async () => {
      for (const child of children) child.kill('SIGKILL');
      for (const standIn of standIns) await standIn.stop();
      await Promise.all([firestore?.stop(), pubsubEmulator?.stop()]);
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('passes through the staging services; without its invoker or dataset grant the smoke fails in one line naming it', async () => {
      const service = (name: string) =>
        staging.find(
          (resource) => resource.type === 'gcp:cloudrunv2/service:Service' && resource.inputs.name === name,
        )!;
      const coordinatorService = service('prediction-coordinator-staging');
      const workerService = service('prediction-worker-staging');
      const { out } = await seedWarehouse({
        samplesDir: join(ROOT, 'data', 'nba-samples'),
        out: join(folder, 'warehouse.duckdb'),
        seed: 7,
      });
      await withWarehouse(out, async (connection) => {
        // Staging's datasets beside production's, as in the shared project.
        for (const table of WAREHOUSE_TABLES) {
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${datasetName(table, 'staging')}`);
          await connection.run(
            `CREATE TABLE ${datasetName(table, 'staging')}.${table.name} AS SELECT * FROM ${datasetName(table)}.${table.name}`,
          );
        }
        const forServices = new BigQueryRestEmulator(connection);
        const readable = scopesOf(grants, DEPLOYER, 'bigquery.tables.getData')
          .filter((scope) => scope.startsWith('dataset:'))
          .map((scope) => scope.slice('dataset:'.length));
        expect(readable.sort()).toEqual([...new Set(WAREHOUSE_TABLES.map((t) => datasetName(t, 'staging')))].sort());
        const forDeployer = new BigQueryRestEmulator(connection, { grantedDatasets: readable });
        const [servicesBigQuery, deployerBigQuery] = await Promise.all([forServices.start(), forDeployer.start()]);
        try {
          const issuer = new TestIdentityIssuer();
          const metadata = new MetadataServerStandIn(PROJECT);
          standIns.push(issuer, metadata);
          const jwksUrl = await issuer.start();
          await metadata.start();
          const emulated: Env = {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            METADATA_SERVER_DETECTION: 'none',
            PUBSUB_EMULATOR_HOST: pubsubEmulator.host,
            FIRESTORE_EMULATOR_HOST: firestore.host,
            // gcloud's Firestore emulator here answers the (default) database only (staging's `staging` times out).
            FIRESTORE_DATABASE: '(default)',
            PROPS_BIGQUERY_ENDPOINT: servicesBigQuery,
            PROPS_OIDC_JWKS_URL: jwksUrl,
            GCE_METADATA_HOST: metadata.host,
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
          };
          const [workerPort, coordinatorPort] = [await freePort(), await freePort()];
          const start = (app: string, declared: Env, port: number, extra: Env) => {
            const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
              cwd: ROOT,
              env: { ...declared, ...emulated, PORT: String(port), K_SERVICE: `prediction-${app}-staging`, ...extra },
              stdio: 'ignore',
            });
            children.push(child);
          };
          const workerEnv = declaredEnvironment(workerService);
          const coordinatorEnv = declaredEnvironment(coordinatorService);
          // The topics the services publish to, and Pub/Sub's pushes through each front end with the pusher's token.
          process.env.PUBSUB_EMULATOR_HOST = pubsubEmulator.host;
          const pubsub = new PubSub({ projectId: PROJECT });
          for (const topic of [
            coordinatorEnv.PREDICTION_REQUEST_TOPIC!,
            coordinatorEnv.PHASE5_COMPLETE_TOPIC!,
            workerEnv.PUBSUB_READY_TOPIC!,
          ])
            await pubsub.createTopic(topic);

          // Each front end as the program configures its service: audiences and the invokers' grants.
          const frontEnd = (declared: HostedResource, port: number) =>
            new CloudRunFrontEnd({
              target: `http://127.0.0.1:${port}`,
              audiences: declared.inputs.customAudiences,
              invokers: holders(grants, 'run.routes.invoke', `service:${declared.inputs.name}`),
              jwksUrl,
              service: declared.inputs.name,
            });
          const workerFront = frontEnd(workerService, workerPort);
          const coordinatorFront = frontEnd(coordinatorService, coordinatorPort);
          standIns.push(workerFront, coordinatorFront);
          await Promise.all([workerFront.start(), coordinatorFront.start()]);
          const pusher = workerEnv.PROPS_OIDC_SERVICE_ACCOUNTS!;
          const relays = [
            new PushTokenRelay(`${workerFront.url}/predict`, () =>
              issuer.token({ email: pusher, audience: workerEnv.PROPS_OIDC_AUDIENCE! }),
            ),
            new PushTokenRelay(`${coordinatorFront.url}/complete`, () =>
              issuer.token({ email: pusher, audience: coordinatorEnv.PROPS_OIDC_AUDIENCE! }),
            ),
          ];
          standIns.push(...relays);
          const [toWorker, toCoordinator] = await Promise.all(relays.map((relay) => relay.start()));
          const retry = { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } };
          await pubsub
            .topic(coordinatorEnv.PREDICTION_REQUEST_TOPIC!)
            .createSubscription('requests-push', { pushConfig: { pushEndpoint: toWorker }, retryPolicy: retry });
          await pubsub
            .topic(workerEnv.PUBSUB_READY_TOPIC!)
            .createSubscription('ready-push', { pushConfig: { pushEndpoint: toCoordinator }, retryPolicy: retry });
          await pubsub.close();

          start('worker', workerEnv, workerPort, { PROPS_MODEL_DIR: join(ROOT, 'models') });
          start('coordinator', coordinatorEnv, coordinatorPort, { PROPS_API_KEY: API_KEY });
          await Promise.all([
            untilAnswering(`http://127.0.0.1:${workerPort}/health`),
            untilAnswering(`http://127.0.0.1:${coordinatorPort}/health`),
          ]);

          // deploy.yml's smoke step: the deploy identity's token for the coordinator's audience, the
          // staging prefix, and verify's queries under the deploy identity's own BigQuery grants.
          const smoke = (coordinatorUrl: string, bigqueryEndpoint = deployerBigQuery) =>
            runProps(['smoke', '--coordinator', coordinatorUrl, '--date', DATE, '--timeout-seconds', '300'], {
              ...emulated,
              PROPS_BACKEND: 'gcp',
              GCP_PROJECT_ID: PROJECT,
              PROPS_DATASET_PREFIX: 'staging',
              PROPS_BIGQUERY_ENDPOINT: bigqueryEndpoint,
              PROPS_API_KEY: API_KEY,
              PROPS_SMOKE_ID_TOKEN: issuer.token({ email: DEPLOYER, audience: coordinatorEnv.PROPS_OIDC_AUDIENCE! }),
            });
          const passed = await smoke(coordinatorFront.url);
          expect(passed.stdout, passed.stderr).toMatch(/^ok {6}batch consolidated: /m);
          expect(passed.stdout).toMatch(/^ok {6}verified: \d+ rows of 2025-03-15/m);
          expect(passed.stdout.trim().split('\n').at(-1)).toBe('smoke PASSED');
          expect(passed.code).toBe(0);
          expect(coordinatorFront.exchanges.filter((exchange) => exchange.caller === DEPLOYER).length).toBeGreaterThan(
            2,
          );

          // Planted: the program without the deploy identity's invoker grant on the staging coordinator.
          const withoutInvoker = grants.filter(
            (grant) =>
              !(
                grant.member === `serviceAccount:${DEPLOYER}` &&
                grant.scope === 'service:prediction-coordinator-staging'
              ),
          );
          const refusingFront = new CloudRunFrontEnd({
            target: `http://127.0.0.1:${coordinatorPort}`,
            audiences: coordinatorService.inputs.customAudiences,
            invokers: holders(withoutInvoker, 'run.routes.invoke', 'service:prediction-coordinator-staging'),
            jwksUrl,
            service: 'prediction-coordinator-staging',
          });
          standIns.push(refusingFront);
          await refusingFront.start();
          const refused = await smoke(refusingFront.url);
          expect(refused.stdout.split('\n').filter((line) => line.startsWith('FAILED'))).toEqual([
            "FAILED  coordinator refused the smoke's identity (HTTP 403 from Cloud Run): the token's account may not invoke the service; grant it roles/run.invoker on the service (run.routes.invoke)",
          ]);
          expect(refused.code).toBe(1);

          // Planted: the program without the deploy identity's read grant on staging's predictions dataset.
          const withoutRead = new BigQueryRestEmulator(connection, {
            grantedDatasets: readable.filter((dataset) => dataset !== 'staging_nba_predictions'),
          });
          const unreadable = await smoke(coordinatorFront.url, await withoutRead.start());
          await withoutRead.stop();
          expect(unreadable.stdout.split('\n').filter((line) => line.startsWith('FAILED'))).toEqual([
            `FAILED  props verify of ${DATE}: Access Denied: Table ${PROJECT}:staging_nba_predictions.player_prop_predictions: Permission bigquery.tables.getData denied on table ${PROJECT}:staging_nba_predictions.player_prop_predictions (or it may not exist).`,
          ]);
          expect(unreadable.code).toBe(1);
        } finally {
          await Promise.all([forServices.stop(), forDeployer.stop()]);
        }
      });
    });
  },
);

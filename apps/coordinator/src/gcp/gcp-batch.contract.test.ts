import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { DEFAULT_TOPICS } from '@props/contracts';
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
import { freePort, type AssembledService } from '@props/service-runtime';
import { seedWarehouse } from '@props/season';
import { WAREHOUSE_TABLES, datasetName, withWarehouse } from '@props/warehouse';
import { assembleCoordinator } from '../assemble-coordinator';

const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
const missing = emulatorUnavailable('firestore') ?? emulatorUnavailable('pubsub');
if (missing && !required) console.log(`gcp batch contract skipped: ${missing}`);

const DATE = '2025-03-15';
const KEY = 'gcp-contract-api-key-01';
const WORKER_AUDIENCE = 'https://worker.example';
const COORDINATOR_AUDIENCE = 'https://coordinator.example';
const PUSHER = 'pusher@props-test.iam.gserviceaccount.com';
const SCHEDULER = 'scheduler@props-test.iam.gserviceaccount.com';
/** An invoker the coordinator does not list: it needs the API key too (the CLI, a deploy's smoke). */
const DEPLOYER = 'deployer@props-test.iam.gserviceaccount.com';

describe.skipIf(missing !== undefined && !required)(
  'a batch on the gcp backend: Firestore, Pub/Sub and BigQuery emulators (contract)',
  () => {
    let firestore: RunningEmulator;
    let pubsubEmulator: RunningEmulator;
    let warehouse: string;
    const standIns: Array<{ stop(): Promise<void> }> = [];
    let worker: ChildProcess | undefined;
    let coordinator: AssembledService | undefined;
    const saved = { ...process.env };

    beforeAll(async () => {
      [firestore, pubsubEmulator] = await Promise.all([startEmulator('firestore'), startEmulator('pubsub')]);
      warehouse = (
        await seedWarehouse({
          samplesDir: 'data/nba-samples',
          out: join(mkdtempSync(join(tmpdir(), 'props-gcp-')), 'warehouse.duckdb'),
          seed: 7,
        })
      ).out;
    }, 120_000);

    afterAll(async () => {
      process.env = saved;
      worker?.kill('SIGKILL');
      await coordinator?.app.close();
      for (const standIn of standIns) await standIn.stop();
      await Promise.all([firestore?.stop(), pubsubEmulator?.stop()]);
    });

    it('selects, loads, publishes, stages in BigQuery, records completions in Firestore and merges once; a prefixed batch of the same date runs beside it in its own tables; props smoke passes through the stack', async () => {
      await withWarehouse(warehouse, async (connection) => {
        // The test datasets of prefix "ci": copies of every table, as a staging project would have them.
        for (const table of WAREHOUSE_TABLES) {
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${datasetName(table, 'ci')}`);
          await connection.run(
            `CREATE TABLE ${datasetName(table, 'ci')}.${table.name} AS SELECT * FROM ${datasetName(table)}.${table.name}`,
          );
        }
        const bigquery = new BigQueryRestEmulator(connection);
        const bigqueryUrl = await bigquery.start();
        try {
          // Google's ID tokens, the metadata server, and Cloud Run's IAM front end before each service.
          const issuer = new TestIdentityIssuer();
          const metadata = new MetadataServerStandIn('props-test');
          standIns.push(issuer, metadata);
          const jwksUrl = await issuer.start();
          await metadata.start();
          const gcp = {
            PROPS_BACKEND: 'gcp',
            GCP_PROJECT_ID: 'props-test',
            PROPS_BIGQUERY_ENDPOINT: bigqueryUrl,
            PUBSUB_EMULATOR_HOST: pubsubEmulator.host,
            FIRESTORE_EMULATOR_HOST: firestore.host,
            METADATA_SERVER_DETECTION: 'none',
          };
          Object.assign(process.env, gcp);

          const workerPort = await freePort();
          worker = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              ...gcp,
              PORT: String(workerPort),
              HOST: '127.0.0.1',
              LOG_LEVEL: 'warn',
              PROPS_MODEL_DIR: 'models',
              PROPS_OIDC_AUDIENCE: WORKER_AUDIENCE,
              PROPS_OIDC_SERVICE_ACCOUNTS: PUSHER,
              PROPS_OIDC_JWKS_URL: jwksUrl,
              // As on Cloud Run: behind its IAM front end, K_SERVICE set, the metadata server at hand.
              PROPS_AUTH_FRONT_END: 'cloud-run',
              K_SERVICE: 'prediction-worker',
              GCE_METADATA_HOST: metadata.host,
            },
            stdio: 'ignore',
          });
          coordinator = await assembleCoordinator({
            ...process.env,
            PROPS_API_KEY: KEY,
            LOG_LEVEL: 'warn',
            PROPS_OIDC_AUDIENCE: COORDINATOR_AUDIENCE,
            PROPS_OIDC_SERVICE_ACCOUNTS: `${PUSHER},${SCHEDULER}`,
            PROPS_OIDC_JWKS_URL: jwksUrl,
            PROPS_AUTH_FRONT_END: 'cloud-run',
            K_SERVICE: 'prediction-coordinator',
          });
          await coordinator.app.listen({ port: 0, host: '127.0.0.1' });
          const coordinatorUrl = `http://127.0.0.1:${(coordinator.app.server.address() as AddressInfo).port}`;
          const workerFront = new CloudRunFrontEnd({
            target: `http://127.0.0.1:${workerPort}`,
            audiences: [WORKER_AUDIENCE],
            invokers: [PUSHER],
            jwksUrl,
          });
          const coordinatorFront = new CloudRunFrontEnd({
            target: coordinatorUrl,
            audiences: [COORDINATOR_AUDIENCE],
            invokers: [PUSHER, SCHEDULER, DEPLOYER],
            jwksUrl,
          });
          standIns.push(workerFront, coordinatorFront);
          await Promise.all([workerFront.start(), coordinatorFront.start()]);
          // Pub/Sub pushes with the pusher's token for each service's audience (the emulator sends none).
          const toWorker = new PushTokenRelay(`${workerFront.url}/predict`, () =>
            issuer.token({ email: PUSHER, audience: WORKER_AUDIENCE }),
          );
          const toCoordinator = new PushTokenRelay(`${coordinatorFront.url}/complete`, () =>
            issuer.token({ email: PUSHER, audience: COORDINATOR_AUDIENCE }),
          );
          standIns.push(toWorker, toCoordinator);
          const pubsub = new PubSub({ projectId: 'props-test' });
          const [requests] = await pubsub.createTopic(DEFAULT_TOPICS.predictionRequest);
          await requests.createSubscription('worker-push', {
            pushConfig: { pushEndpoint: await toWorker.start() },
            retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
          });
          const [ready] = await pubsub.createTopic(DEFAULT_TOPICS.predictionReady);
          await ready.createSubscription('coordinator-push', {
            pushConfig: { pushEndpoint: await toCoordinator.start() },
          });
          // What the original platform's phase-5-to-6 orchestrator subscribes to.
          const [complete] = await pubsub.createTopic(DEFAULT_TOPICS.predictionsComplete);
          const [phase6] = await complete.createSubscription('phase5-to-phase6-orchestrator');
          for (
            let attempt = 0;
            attempt < 100 &&
            !(await fetch(`http://127.0.0.1:${workerPort}/health`).then(
              (answer) => answer.ok,
              () => false,
            ));
            attempt += 1
          )
            await new Promise((resolveWait) => setTimeout(resolveWait, 200));

          // Production's batch and a test batch (dataset_prefix "ci") of the same date, started at once.
          // Through the coordinator's front end: production's batch with the scheduler's token alone, the test
          // batch as an operator starts it (an invoker's token for Cloud Run, the API key for the coordinator).
          const start = (body: object, headers: Record<string, string>) =>
            fetch(`${coordinatorFront.url}/start`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...headers },
              body: JSON.stringify(body),
            });
          const bearer = (email: string) => `Bearer ${issuer.token({ email, audience: COORDINATOR_AUDIENCE })}`;
          // Production's body is the one the phase-4 orchestrator sends (docs/operations/cutover.md, "Callers").
          const [started, startedCi] = await Promise.all([
            start(
              { game_date: DATE, correlation_id: 'corr-4242', trigger_source: 'phase4_orchestrator' },
              { authorization: bearer(SCHEDULER) },
            ),
            start({ game_date: DATE, dataset_prefix: 'ci' }, { authorization: bearer(DEPLOYER), 'x-api-key': KEY }),
          ]);
          const batch = (await started.json()) as { batch_id: string; players_expected: number };
          const batchCi = (await startedCi.json()) as { batch_id: string; players_expected: number };
          expect([started.status, startedCi.status], JSON.stringify([batch, batchCi])).toEqual([202, 202]);
          expect(batch.players_expected).toBeGreaterThan(50);
          expect(batchCi.players_expected).toBe(batch.players_expected);

          type Status = { status: string; coverage: number; consolidation: { rows_merged: number } | null };
          const finished = async (batchId: string): Promise<Status> => {
            let status: Status = { status: 'running', coverage: 0, consolidation: null };
            const deadline = Date.now() + 200_000;
            while (status.status !== 'consolidated' && Date.now() < deadline) {
              await new Promise((resolveWait) => setTimeout(resolveWait, 500));
              status = (await (await fetch(`${coordinatorUrl}/status/${batchId}`)).json()) as Status;
            }
            return status;
          };
          const [status, statusCi] = await Promise.all([finished(batch.batch_id), finished(batchCi.batch_id)]);
          expect([status.status, statusCi.status]).toEqual(['consolidated', 'consolidated']);
          expect([status.coverage, statusCi.coverage]).toEqual([1, 1]);
          expect(workerFront.exchanges.filter((exchange) => exchange.status !== 204)).toEqual([]);
          expect(coordinatorFront.exchanges.filter((exchange) => exchange.status >= 300)).toEqual([]);

          const read = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
          for (const [prefix, id, merged] of [
            ['', batch.batch_id, status.consolidation!.rows_merged],
            ['ci_', batchCi.batch_id, statusCi.consolidation!.rows_merged],
          ] as const) {
            expect(merged).toBeGreaterThan(300);
            expect(
              await read(
                `SELECT count(*) FROM ${prefix}nba_predictions.player_prop_predictions WHERE batch_id = '${id}'`,
              ),
            ).toBe(merged);
            expect(
              await read(
                `SELECT count(*) FROM ${prefix}nba_predictions.player_prop_predictions WHERE batch_id != '${id}'`,
              ),
            ).toBe(0);
            expect(
              await read(
                `SELECT count(*) FROM (SELECT 1 FROM ${prefix}nba_predictions.player_prop_predictions GROUP BY game_id, player_lookup, system_id, current_points_line HAVING count(*) > 1)`,
              ),
            ).toBe(0);
            expect(
              await read(
                `SELECT count(*) FROM ${prefix}nba_predictions.player_prop_predictions WHERE model_version IS NULL OR model_version = ''`,
              ),
            ).toBe(0);
            expect(
              await read(`SELECT count(*) FROM ${prefix}nba_orchestration.prediction_batches WHERE batch_id = '${id}'`),
            ).toBe(1);
          }
          expect(
            await read(
              `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '\\_staging\\_%' ESCAPE '\\' OR table_name LIKE '\\_merge\\_%' ESCAPE '\\'`,
            ),
          ).toBe(0);

          // The phase-5 completion, as the orchestrator reads it: one, for production's batch only.
          const notices: Array<Record<string, any>> = [];
          phase6.on('message', (message) => {
            notices.push(JSON.parse(message.data.toString()));
            message.ack();
          });
          for (let waited = 0; waited < 100 && notices.length === 0; waited += 1)
            await new Promise((resolveWait) => setTimeout(resolveWait, 200));
          await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
          await phase6.close();
          expect(notices).toHaveLength(1);
          expect(notices[0]).toMatchObject({
            processor_name: 'PredictionCoordinator',
            phase: 'phase_5_predictions',
            execution_id: batch.batch_id,
            correlation_id: 'corr-4242',
            trigger_source: 'phase4_orchestrator',
            game_date: DATE,
            output_table: 'player_prop_predictions',
            output_dataset: 'nba_predictions',
            status: 'success',
            record_count: status.consolidation!.rows_merged,
            records_failed: 0,
            metadata: {
              batch_id: batch.batch_id,
              completion_pct: 100,
              completed_predictions: status.consolidation!.rows_merged,
            },
          });
          await pubsub.close();

          // props smoke, as a deploy runs it, through this emulator-backed stack on the test datasets.
          const smoke = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun) => {
            const child = spawn(
              process.execPath,
              [
                'tools/bin/props.cjs',
                'smoke',
                '--coordinator',
                coordinatorFront.url,
                '--dataset-prefix',
                'ci',
                '--date',
                DATE,
              ],
              {
                env: {
                  ...process.env,
                  PROPS_API_KEY: KEY,
                  PROPS_SMOKE_ID_TOKEN: issuer.token({ email: DEPLOYER, audience: COORDINATOR_AUDIENCE }),
                },
              },
            );
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (chunk) => (stdout += chunk));
            child.stderr.on('data', (chunk) => (stderr += chunk));
            child.on('close', (code) => resolveRun({ code, stdout, stderr }));
          });
          expect(smoke.stdout, smoke.stderr).toMatch(
            /^ok {6}verified: \d+ rows of 2025-03-15, every one with its model_version, no fallback predictions$/m,
          );
          expect(smoke.code).toBe(0);
        } finally {
          await bigquery.stop();
        }
      });
    }, 400_000);
  },
);

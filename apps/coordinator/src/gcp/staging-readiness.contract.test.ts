import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import type { ReadinessBody } from '@props/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator, emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { freePort, runChecks, type AssembledService } from '@props/service-runtime';
import { WAREHOUSE_TABLES, datasetName, ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { assembleCoordinator } from '../assemble-coordinator';

// Staging's services as infra configures them (PROPS_DATASET_PREFIX=staging), against a BigQuery
// endpoint that grants the caller only the staging_* datasets, as infra grants the staging
// identities: readiness (and a rejected message) must touch nothing else. Production's datasets
// exist beside them, so a service that names one is refused (403 accessDenied), not told "not found".
const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
const missing = emulatorUnavailable('firestore') ?? emulatorUnavailable('pubsub');
if (missing && !required) console.log(`staging readiness contract skipped: ${missing}`);

const KEY = 'staging-contract-api-key';
const TOPICS = {
  PREDICTION_REQUEST_TOPIC: 'prediction-request-staging',
  PHASE5_COMPLETE_TOPIC: 'phase5-predictions-complete-staging',
  PUBSUB_READY_TOPIC: 'prediction-ready-staging',
};
const STAGING_DATASETS = [...new Set(WAREHOUSE_TABLES.map((table) => datasetName(table, 'staging')))];

interface Check {
  name: string;
  status: string;
  problem?: string;
  detail?: string;
}
const bigqueryCheck = (checks: readonly Check[]) => checks.find((check) => check.name === 'bigquery');

describe.skipIf(missing !== undefined && !required)(
  "staging's readiness on staging's datasets only, BigQuery refusing production's (contract)",
  { timeout: 240_000 },
  () => {
    let firestore: RunningEmulator;
    let pubsubEmulator: RunningEmulator;
    let folder: string;
    const saved = { ...process.env };

    beforeAll(async () => {
      [firestore, pubsubEmulator] = await Promise.all([startEmulator('firestore'), startEmulator('pubsub')]);
      folder = mkdtempSync(join(tmpdir(), 'props-staging-ready-'));
      process.env.PUBSUB_EMULATOR_HOST = pubsubEmulator.host;
      const pubsub = new PubSub({ projectId: 'props-test' });
      for (const topic of Object.values(TOPICS)) await pubsub.createTopic(topic);
    }, 120_000);

    afterAll(async () => {
      process.env = saved;
      await Promise.all([firestore?.stop(), pubsubEmulator?.stop()]);
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('the worker and the coordinator are ready with the staging configuration; without the prefix BigQuery refuses them', async () => {
      await withWarehouse(join(folder, 'warehouse.duckdb'), async (connection) => {
        await ensureWarehouseTables(connection);
        for (const table of WAREHOUSE_TABLES) {
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${datasetName(table, 'staging')}`);
          await connection.run(
            `CREATE TABLE ${datasetName(table, 'staging')}.${table.name} AS SELECT * FROM ${datasetName(table)}.${table.name}`,
          );
        }
        const bigquery = new BigQueryRestEmulator(connection, { grantedDatasets: STAGING_DATASETS });
        const bigqueryUrl = await bigquery.start();
        const gcp = {
          PROPS_BACKEND: 'gcp',
          GCP_PROJECT_ID: 'props-test',
          PROPS_BIGQUERY_ENDPOINT: bigqueryUrl,
          PUBSUB_EMULATOR_HOST: pubsubEmulator.host,
          FIRESTORE_EMULATOR_HOST: firestore.host,
          METADATA_SERVER_DETECTION: 'none',
          LOG_LEVEL: 'warn',
          ...TOPICS,
        };
        // The Firestore and Pub/Sub clients read the emulator hosts from the process's environment.
        Object.assign(process.env, gcp);
        const workers: ChildProcess[] = [];
        const coordinators: AssembledService[] = [];
        try {
          /** The worker's /health/ready, run as its image runs it (its own process). */
          const workerReadiness = async (prefix: Record<string, string>): Promise<ReadinessBody> => {
            const port = await freePort();
            const worker = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
              env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                ...gcp,
                ...prefix,
                PORT: String(port),
                HOST: '127.0.0.1',
                PROPS_MODEL_DIR: 'models',
                PROPS_OIDC_AUDIENCE: 'https://prediction-worker-staging.props',
                PROPS_OIDC_SERVICE_ACCOUNTS: 'pusher@props-test.iam.gserviceaccount.com',
              },
              stdio: 'ignore',
            });
            workers.push(worker);
            for (let attempt = 0; attempt < 300; attempt += 1) {
              const answer = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
              if (answer) return (await answer.json()) as ReadinessBody;
              await new Promise((resolveWait) => setTimeout(resolveWait, 200));
            }
            throw new Error('the worker never answered /health/ready');
          };
          const coordinator = async (prefix: Record<string, string>) => {
            const service = await assembleCoordinator({ ...gcp, ...prefix, PROPS_API_KEY: KEY });
            coordinators.push(service);
            return service;
          };

          const worker = await workerReadiness({ PROPS_DATASET_PREFIX: 'staging' });
          // The body names no table or driver text: the check's name and its status only.
          expect(bigqueryCheck(worker.checks), JSON.stringify(worker.checks)).toEqual({
            name: 'bigquery',
            status: 'ok',
          });
          expect(worker.checks.filter((check) => check.status === 'failed')).toEqual([]);

          const staging = await coordinator({ PROPS_DATASET_PREFIX: 'staging' });
          // As Cloud Run's startup probe does, asked again until ready (an emulator's first answer can be slow).
          let reports = await runChecks(staging.checks);
          for (let attempt = 0; attempt < 20 && reports.some((report) => report.status !== 'ok'); attempt += 1) {
            await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
            reports = await runChecks(staging.checks);
          }
          expect(bigqueryCheck(reports), JSON.stringify(reports)).toEqual({
            name: 'bigquery',
            status: 'ok',
            detail: 'staging_nba_predictions.player_prop_predictions has every column this build writes',
          });
          expect(reports.filter((report) => report.status !== 'ok')).toEqual([]);

          // A completion that can never be processed is recorded among staging's rejected messages.
          const before = bigquery.requests.length;
          const rejected = await staging.app.inject({
            method: 'POST',
            url: '/complete',
            headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
            payload: { message: { data: Buffer.from('{"not":"a completion"}').toString('base64'), messageId: 'm-1' } },
          });
          expect(rejected.statusCode, rejected.body).toBe(200);
          const written = JSON.stringify(bigquery.requests.slice(before));
          expect(written).toContain('staging_nba_predictions');
          expect(written).not.toMatch(/[^_]nba_predictions/);

          // The same services without the prefix name production's datasets: refused.
          const unprefixedWorker = await workerReadiness({});
          expect(bigqueryCheck(unprefixedWorker.checks)).toEqual({
            name: 'bigquery',
            status: 'failed',
            problem: 'unreachable',
          });
          const unprefixed = await runChecks((await coordinator({})).checks);
          expect(bigqueryCheck(unprefixed)).toMatchObject({
            status: 'failed',
            detail: expect.stringContaining('Access Denied'),
          });
        } finally {
          for (const worker of workers) worker.kill('SIGKILL');
          for (const service of coordinators) await service.app.close();
          await bigquery.stop();
        }
      });
    });
  },
);

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_IDS } from '@props/contracts';
import { DisabledApiEndpoint } from '@props/emulators';
import { seedWarehouse } from '@props/season';
import { ServiceChild } from '@props/service-runtime';
import { propsAsync } from '../test-support/props-process';

const root = resolve(import.meta.dirname, '../../../..');
const bundles = join(root, 'dist', 'apps');
const API_KEY = 'smoke-test-api-key-0123';
let seeded: string;
const running: ServiceChild[] = [];

/** A local stack (the bundles, as `props run` starts them) on its own copy of the season. */
async function localStack(options: { workerEnv?: NodeJS.ProcessEnv; coordinatorEnv?: NodeJS.ProcessEnv } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-smoke-'));
  copyFileSync(seeded, join(dataDir, 'warehouse.duckdb'));
  const common = {
    PROPS_BACKEND: 'local',
    PROPS_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    METADATA_SERVER_DETECTION: 'none',
  };
  const coordinatorPort = await import('@props/service-runtime').then(({ freePort }) => freePort());
  const worker = await ServiceChild.start({
    name: 'worker',
    args: [join(bundles, 'worker', 'main.js')],
    env: {
      ...common,
      PROPS_MODEL_DIR: join(bundles, 'worker', 'models'),
      PROPS_COMPLETION_URL: `http://127.0.0.1:${coordinatorPort}/complete`,
      PROPS_COMPLETION_API_KEY: API_KEY,
      PROPS_PUSH_AUTH: 'none',
      ...options.workerEnv,
    },
  });
  const coordinator = await ServiceChild.start({
    name: 'coordinator',
    args: [join(bundles, 'coordinator', 'main.js')],
    env: { ...common, PROPS_API_KEY: API_KEY, PROPS_WORKER_URLS: `${worker.url}/predict`, ...options.coordinatorEnv },
    port: coordinatorPort,
  });
  running.push(worker, coordinator);
  // Up (listening), ready or not: the smoke decides.
  for (const service of [worker, coordinator]) await service.waitUntilListening(30_000);
  return { dataDir, warehouse: join(dataDir, 'warehouse.duckdb'), worker, coordinator };
}

beforeAll(async () => {
  // The bundles the stack runs are the current sources' (props builds them when stale).
  expect(
    spawnSync(process.execPath, ['tools/bin/props.cjs', '--version'], { cwd: root, encoding: 'utf8' }).status,
  ).toBe(0);
  const folder = mkdtempSync(join(tmpdir(), 'props-smoke-seed-'));
  seeded = join(folder, 'warehouse.duckdb');
  await seedWarehouse({ samplesDir: join(root, 'data', 'nba-samples'), out: seeded, seed: 20241022 });
}, 240_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});

describe('props smoke against the local stack', () => {
  it('passes on a healthy stack: both ready, the batch consolidated, verified, no fallbacks', async () => {
    const stack = await localStack();
    const smoke = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'smoke',
      '--coordinator',
      stack.coordinator.url,
      '--worker',
      stack.worker.url,
      '--warehouse',
      stack.warehouse,
    );
    expect(smoke.stdout, smoke.stderr).toMatch(/^ok {6}worker ready: /m);
    expect(smoke.stdout).toMatch(/^ok {6}batch started: batch_2025-03-15_\S+, \d+ players of 2025-03-15$/m);
    expect(smoke.stdout).toMatch(/^ok {6}batch consolidated: \d+ rows, coverage 100\.0%, 0 duplicate keys$/m);
    expect(smoke.stdout).toMatch(
      /^ok {6}verified: \d+ rows of 2025-03-15, every one with its model_version, no fallback predictions$/m,
    );
    expect(smoke.stdout.trim().split('\n').at(-1)).toBe('smoke PASSED');
    expect(smoke.code).toBe(0);

    // props status asks the same coordinator about the batch the smoke left.
    const status = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'status',
      '--coordinator',
      stack.coordinator.url,
      '--date',
      '2025-03-15',
    );
    // Every expected player is predicted or skipped with its reason (the feature gate refuses 8 on this date).
    const line =
      /^batch_2025-03-15_\S+ {2}consolidated {2}(\d+)\/(\d+) predicted, (\d+) skipped \(invalid_features \3\), 0 pending, \d+ rows merged \(coverage 100\.0%\)$/m.exec(
        status.stdout,
      );
    expect(line, status.stdout + status.stderr).not.toBeNull();
    expect(Number(line![1]) + Number(line![3])).toBe(Number(line![2]));
    const json = JSON.parse(
      (await propsAsync({}, 'status', '--coordinator', stack.coordinator.url, '--date', '2025-03-15', '--json')).stdout,
    ) as { batches: Array<{ status: string }> };
    expect(json.batches.map((batch) => batch.status)).toEqual(['consolidated']);
    const missing = await propsAsync({}, 'status', '--coordinator', stack.coordinator.url, '--batch', 'batch_nope');
    expect([missing.code, missing.stderr]).toEqual([
      1,
      `props status: ${stack.coordinator.url}/status/batch_nope answered HTTP 404: no such batch\n`,
    ]);
  }, 300_000);

  it('props run --json prints one summary document on stdout, its progress on stderr', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-run-json-'));
    copyFileSync(seeded, join(dataDir, 'warehouse.duckdb'));
    const run = await propsAsync({}, 'run', '--data-dir', dataDir, '--json');
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      game_date: string;
      players_predicted: number;
      rows_without_model_version: number;
      duplicate_keys: number;
      rows_per_system: Record<string, number>;
      report: string;
    };
    expect(summary).toMatchObject({
      game_date: '2025-03-15',
      rows_without_model_version: 0,
      duplicate_keys: 0,
      report: join(dataDir, 'reports', 'report-2025-03-15.html'),
    });
    expect(summary.players_predicted).toBeGreaterThan(50);
    expect(Object.keys(summary.rows_per_system).sort()).toEqual(Object.values(SYSTEM_IDS).sort());
    expect(run.stderr).toMatch(/coordinator ready at http:\/\/127\.0\.0\.1:\d+/);
  }, 300_000);

  it('fails on a stack whose worker has no models (it serves fallbacks), naming them', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'props-no-models-'));
    mkdirSync(join(empty, 'onnx'));
    const stack = await localStack({ workerEnv: { PROPS_MODEL_DIR: empty, PROPS_REQUIRE_MODELS: 'false' } });
    const smoke = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'smoke',
      '--coordinator',
      stack.coordinator.url,
      '--warehouse',
      stack.warehouse,
    );
    expect(smoke.stdout, smoke.stderr).toMatch(
      /^FAILED {2}\d+ of \d+ rows are fallback predictions: the worker serves without its models$/m,
    );
    expect(smoke.stdout.trim().split('\n').at(-1)).toBe('smoke FAILED');
    expect(smoke.code).toBe(1);
    // Asked about the worker too, the smoke stops at its readiness.
    const withWorker = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'smoke',
      '--coordinator',
      stack.coordinator.url,
      '--worker',
      stack.worker.url,
      '--warehouse',
      stack.warehouse,
    );
    expect(withWorker.stdout).toMatch(/^FAILED {2}worker not ready \(HTTP \d+\): .*catboost_v8/m);
    expect(withWorker.code).toBe(1);
  }, 300_000);

  it('fails on a stack whose coordinator cannot reach its warehouse, and on a wrong API key', async () => {
    const stack = await localStack({ coordinatorEnv: { PROPS_WAREHOUSE_PATH: '/nonexistent/warehouse.duckdb' } });
    const smoke = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'smoke',
      '--coordinator',
      stack.coordinator.url,
      '--warehouse',
      stack.warehouse,
    );
    expect(smoke.stdout, smoke.stderr).toMatch(
      // The readiness body names the problem only; the path is in the coordinator's log.
      /^FAILED {2}coordinator not ready \(HTTP 200\): duckdb warehouse degraded: missing \(the service log has the details\)/m,
    );
    expect(smoke.code).toBe(1);
    const healthy = await localStack();
    const refused = await propsAsync(
      { PROPS_API_KEY: 'not-the-key-0123456789' },
      'smoke',
      '--coordinator',
      healthy.coordinator.url,
      '--warehouse',
      healthy.warehouse,
    );
    expect(refused.stdout).toMatch(
      /^FAILED {2}\/start refused the smoke batch of 2025-03-15 \(HTTP 401\): missing or wrong x-api-key header$/m,
    );
    expect(refused.code).toBe(1);
    const usage = await propsAsync({}, 'smoke', '--coordinator', 'prediction-coordinator');
    expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([
      2,
      "props smoke: --coordinator: expected the coordinator's http(s) URL, got prediction-coordinator",
    ]);
  }, 300_000);

  it('names a disabled BigQuery API in one line (verify, and the smoke verify step), not a stack trace', async () => {
    // Google's documented answer for an API disabled in the project (DisabledApiEndpoint cites it).
    const bigquery = new DisabledApiEndpoint('bigquery.googleapis.com', 'BigQuery API');
    const endpoint = await bigquery.start();
    try {
      const gcp = { PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test', PROPS_BIGQUERY_ENDPOINT: endpoint };
      const line =
        'BigQuery (project props-test) cannot be used: bigquery.googleapis.com is disabled in project 123456789: enable it with gcloud services enable bigquery.googleapis.com --project 123456789 (pulumi up of infra/ enables every API the environment uses)';
      const verify = await propsAsync(gcp, 'verify', '--date', '2025-03-15');
      expect([verify.code, verify.stderr]).toEqual([1, `props verify: ${line}\n`]);
      const stack = await localStack();
      const smoke = await propsAsync(
        { ...gcp, PROPS_API_KEY: API_KEY },
        'smoke',
        '--coordinator',
        stack.coordinator.url,
      );
      expect(
        smoke.stdout.split('\n').filter((entry) => entry.startsWith('FAILED')),
        smoke.stderr,
      ).toEqual([`FAILED  props verify of 2025-03-15: ${line}`]);
      expect([smoke.code, smoke.stderr]).toEqual([1, '']);
    } finally {
      await bigquery.stop();
    }
  }, 300_000);
});

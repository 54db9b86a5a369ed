import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PredictionMessageSchema, decodePushEnvelope, requestsOf } from '@props/contracts';
import { ServiceChild, freePort } from '@props/service-runtime';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';
import { repositoryRoot } from '../test-support/props-process';
import { CHUNK_DATES } from './backfill-range';

// Issue 25, item 8: a backfill and a daily batch (/start) of one date, through real processes
// against one DuckDB file, end with the date written by one of them and neither giving up.
const DATE = '2025-03-15';
const API_KEY = 'backfill-beside-daily-key';
const services: ServiceChild[] = [];

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill()));
});

function start(app: 'coordinator' | 'worker', env: Record<string, string>, port?: number) {
  return ServiceChild.start({
    name: app,
    args: ['--import', 'tsx', join(repositoryRoot, `apps/${app}/src/main.ts`)],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      METADATA_SERVER_DETECTION: 'none',
      PROPS_BACKEND: 'local',
      LOG_LEVEL: 'warn',
      ...env,
    },
    inheritEnvironment: false,
    ...(port === undefined ? {} : { port }),
  });
}

/** `props backfill` as a child process, its stderr watched as it runs. */
function backfillProcess(warehouse: string, from: string, to: string) {
  const child = spawn(
    process.execPath,
    ['tools/bin/props.cjs', 'backfill', '--from', from, '--to', to, '--warehouse', warehouse, '--json'],
    { cwd: repositoryRoot, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    /** Resolves once the progress shows `done` dates finished. */
    async reached(done: number) {
      while (![...stderr.matchAll(/\] (\d+)\//g)].some((match) => Number(match[1]) >= done)) {
        if (child.exitCode !== null) throw new Error(`the backfill exited early: ${stderr}`);
        await sleep(50);
      }
    },
    exit: new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveExit) =>
      child.on('close', (code) => resolveExit({ code, stdout, stderr })),
    ),
  };
}

/** A coordinator, its pushes to `pushUrl` (the worker, or a test's holding endpoint), on a copy of the season. */
async function stack(seeded: string, pushUrl: (coordinatorPort: number, dataDir: string) => Promise<string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-backfill-daily-'));
  const warehouse = join(dataDir, 'warehouse.duckdb');
  copyFileSync(seeded, warehouse);
  const port = await freePort();
  const coordinator = await start(
    'coordinator',
    { PROPS_DATA_DIR: dataDir, PROPS_API_KEY: API_KEY, PROPS_WORKER_URLS: await pushUrl(port, dataDir) },
    port,
  );
  services.push(coordinator);
  await coordinator.waitUntilListening(60_000);
  return { dataDir, warehouse, coordinator };
}

async function worker(dataDir: string, coordinatorPort: number): Promise<ServiceChild> {
  const service = await start('worker', {
    PROPS_DATA_DIR: dataDir,
    PROPS_COMPLETION_URL: `http://127.0.0.1:${coordinatorPort}/complete`,
    PROPS_COMPLETION_API_KEY: API_KEY,
    PROPS_PUSH_AUTH: 'none',
  });
  services.push(service);
  await service.waitUntilListening(60_000);
  return service;
}

async function startDaily(
  coordinatorUrl: string,
  date: string,
): Promise<{ batch_id: string; players_expected: number }> {
  const started = await fetch(`${coordinatorUrl}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ game_date: date }),
  });
  const body = (await started.json()) as { batch_id: string; players_expected: number };
  expect(started.status, JSON.stringify(body)).toBe(202);
  return body;
}

async function waitConsolidated(coordinatorUrl: string, batchId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let status = '';
  while (status !== 'consolidated' && Date.now() < deadline) {
    status = ((await (await fetch(`${coordinatorUrl}/status/${batchId}`)).json()) as { status: string }).status;
    await sleep(200);
  }
  expect(status).toBe('consolidated');
}

/** The batches whose rows the date holds, with their counts. */
async function writersOfDate(warehouse: string, date: string) {
  return withWarehouse(warehouse, async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT batch_id, count(*)::INTEGER AS rows FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '${date}' GROUP BY ALL`,
      )
    ).getRowObjectsJS(),
  );
}

interface BackfillReport {
  dates: Array<{ game_date: string; status: string; reason: string | null; batch_id: string }>;
}

function expectAllDone(run: { code: number | null; stdout: string; stderr: string }): BackfillReport {
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as BackfillReport;
  expect(report.dates.filter((date) => !['done', 'no_games'].includes(date.status))).toEqual([]);
  return report;
}

/** The date `days - 1` days before `last`, so that `first .. last` spans `days` dates. */
const firstOfChunks = (last: string, days: number) =>
  new Date(Date.parse(`${last}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

let seeded: string;

beforeAll(async () => {
  seeded = (
    await seedWarehouse({
      samplesDir: join(repositoryRoot, 'data', 'nba-samples'),
      out: join(mkdtempSync(join(tmpdir(), 'props-backfill-daily-seed-')), 'warehouse.duckdb'),
      seed: 20241022,
    })
  ).out;
}, 180_000);

it('a backfill that reaches a date whose daily batch is running waits for it, then writes the date; the batch is consolidated', async () => {
  // The coordinator's pushes are held here, so its batch is still running when the backfill reaches the date.
  const held: string[] = [];
  const holder = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      held.push(body);
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolveListen) => holder.listen(0, '127.0.0.1', () => resolveListen()));
  const { dataDir, warehouse, coordinator } = await stack(
    seeded,
    async () => `http://127.0.0.1:${(holder.address() as AddressInfo).port}/predict`,
  );
  const daily = await startDaily(coordinator.url, DATE);
  const backfill = backfillProcess(warehouse, '2025-03-13', DATE);
  // The other two dates are done: the backfill now waits for the date's daily batch, holding neither its lock nor the warehouse.
  await backfill.reached(2);
  // A held message carries one player's request or a group's (16 players each on the local runtime).
  const playersHeld = () =>
    held.reduce(
      (total, body) => total + requestsOf(decodePushEnvelope(JSON.parse(body), PredictionMessageSchema).payload).length,
      0,
    );
  while (playersHeld() < daily.players_expected) await sleep(50);
  holder.close();
  const predictor = await worker(dataDir, coordinator.port);
  for (const body of held) {
    const response = await fetch(`${predictor.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(204);
  }
  await waitConsolidated(coordinator.url, daily.batch_id);
  const report = expectAllDone(await backfill.exit);
  const backfilled = report.dates.find((date) => date.game_date === DATE)!.batch_id;
  expect(await writersOfDate(warehouse, DATE)).toEqual([{ batch_id: backfilled, rows: expect.any(Number) }]);
}, 600_000);

it('a daily batch started while a backfill holds the warehouse starts between its chunks; both finish and the date holds one writer’s rows', async () => {
  const { warehouse, coordinator } = await stack(
    seeded,
    async (port, dataDir) => `${(await worker(dataDir, port)).url}/predict`,
  );
  // Three chunks, the part one first, holding the date alone: the daily batch is asked for once the
  // backfill has written the date, and starts when the backfill lets the date go, between its
  // chunks. (A date in a chunk of 54 keeps its start lock for two openings, near the 30 s a /start
  // waits on a busy machine.)
  const last = '2025-03-23';
  const first = firstOfChunks(last, 2 * CHUNK_DATES + 1);
  const backfill = backfillProcess(warehouse, first, last);
  await backfill.reached(1);
  const daily = await startDaily(coordinator.url, first);
  const report = expectAllDone(await backfill.exit);
  await waitConsolidated(coordinator.url, daily.batch_id);
  const writers = await writersOfDate(warehouse, first);
  const backfilled = report.dates.find((date) => date.game_date === first)!.batch_id;
  expect(writers).toHaveLength(1);
  expect([backfilled, daily.batch_id]).toContain(writers[0]!.batch_id);
  expect(writers[0]!.rows).toBeGreaterThan(300);
}, 600_000);

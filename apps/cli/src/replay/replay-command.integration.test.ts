import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedWarehouse } from '@props/season';
import { ServiceChild, freePort } from '@props/service-runtime';
import { propsAsync } from '../test-support/props-process';

const root = resolve(import.meta.dirname, '../../../..');
const bundles = join(root, 'dist', 'apps');
const API_KEY = 'replay-test-api-key-0123';
/** A date with one game, so the batch is small and every message dead-letters in seconds. */
const GAME_DATE = '2025-01-26';
let seeded: string;
const running: ServiceChild[] = [];

beforeAll(async () => {
  expect(
    spawnSync(process.execPath, ['tools/bin/props.cjs', '--version'], { cwd: root, encoding: 'utf8' }).status,
  ).toBe(0);
  seeded = join(mkdtempSync(join(tmpdir(), 'props-replay-seed-')), 'warehouse.duckdb');
  await seedWarehouse({ samplesDir: join(root, 'data', 'nba-samples'), out: seeded, seed: 20241022 });
}, 240_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});

async function batchStatus(
  coordinator: string,
  batchId: string,
): Promise<{ status: string; players_pending?: number }> {
  const response = await fetch(`${coordinator}/status/${batchId}`);
  return (await response.json()) as { status: string };
}

describe('props replay', () => {
  it("the dead-letter runbook's replay: a batch whose worker was down completes once its dead letters are sent again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-replay-'));
    copyFileSync(seeded, join(dataDir, 'warehouse.duckdb'));
    const common = {
      PROPS_BACKEND: 'local',
      PROPS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      METADATA_SERVER_DETECTION: 'none',
    };
    const [workerPort, coordinatorPort] = [await freePort(), await freePort()];
    const workerUrl = `http://127.0.0.1:${workerPort}/predict`;
    // The worker is down: every request is refused, retried, and written to var/dead-letter/.
    const coordinator = await ServiceChild.start({
      name: 'coordinator',
      args: [join(bundles, 'coordinator', 'main.js')],
      // Groups of four players, so several group messages dead-letter and are replayed.
      env: { ...common, PROPS_API_KEY: API_KEY, PROPS_WORKER_URLS: workerUrl, PROPS_PLAYERS_PER_MESSAGE: '4' },
      port: coordinatorPort,
    });
    running.push(coordinator);
    await coordinator.waitUntilListening(30_000);
    const started = await fetch(`${coordinator.url}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ game_date: GAME_DATE }),
    });
    expect(started.status).toBe(202);
    const batch = (await started.json()) as { batch_id: string; players_expected: number };
    expect(batch.players_expected).toBeGreaterThan(4);
    const messages = Math.ceil(batch.players_expected / 4);
    const deadLetters = join(dataDir, 'dead-letter');
    const letters = () =>
      existsSync(deadLetters) ? readdirSync(deadLetters).filter((name) => name.endsWith('.json')) : [];
    for (let waited = 0; letters().length < messages; waited += 500) {
      expect(waited, `dead letters: ${letters().length} of ${messages}`).toBeLessThan(180_000);
      await sleep(500);
    }
    expect((await batchStatus(coordinator.url, batch.batch_id)).status).toBe('running');

    // The runbook's dry run lists them and sends nothing.
    const dry = await propsAsync({}, 'replay', '--source', 'dead-letter', '--data-dir', dataDir, '--dry-run');
    expect(dry.stdout, dry.stderr).toContain(`${messages} message(s)`);
    expect(letters()).toHaveLength(messages);

    // The worker is back; the replay delivers every dead letter and the batch consolidates.
    const worker = await ServiceChild.start({
      name: 'worker',
      args: [join(bundles, 'worker', 'main.js')],
      env: {
        ...common,
        PROPS_MODEL_DIR: join(bundles, 'worker', 'models'),
        PROPS_COMPLETION_URL: `${coordinator.url}/complete`,
        PROPS_COMPLETION_API_KEY: API_KEY,
        PROPS_PUSH_AUTH: 'none',
      },
      port: workerPort,
    });
    running.push(worker);
    await worker.waitUntilListening(30_000);
    const replay = await propsAsync(
      { PROPS_API_KEY: API_KEY },
      'replay',
      '--source',
      'dead-letter',
      '--data-dir',
      dataDir,
      '--worker',
      workerUrl,
      '--batch',
      batch.batch_id,
    );
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`${messages} sent, 0 kept`);
    expect(letters()).toHaveLength(0);
    expect(readdirSync(join(deadLetters, 'replayed'))).toHaveLength(messages);
    let status = await batchStatus(coordinator.url, batch.batch_id);
    for (let waited = 0; status.status !== 'consolidated'; waited += 500) {
      expect(waited, JSON.stringify(status)).toBeLessThan(120_000);
      await sleep(500);
      status = await batchStatus(coordinator.url, batch.batch_id);
    }

    // A second run finds nothing left to send.
    const again = await propsAsync(
      {},
      'replay',
      '--source',
      'dead-letter',
      '--data-dir',
      dataDir,
      '--worker',
      workerUrl,
    );
    expect(again.stdout).toContain('0 message(s)');
  }, 420_000);

  it('keeps a rejected message the service rejects again, and names bad input in one line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-replay-rejected-'));
    const rejected = join(dataDir, 'rejected');
    mkdirSync(rejected);
    writeFileSync(
      join(rejected, 'a.json'),
      JSON.stringify({
        rejected_at: '2025-03-15T12:00:00.000Z',
        service: 'worker',
        subscription: null,
        delivery_id: null,
        message_id: null,
        field: 'message.data',
        problem: 'not base64 JSON',
        body: JSON.stringify({ message: { data: '!!' } }),
      }),
    );
    writeFileSync(join(rejected, 'torn.json'), '{"service": "work');
    const worker = await ServiceChild.start({
      name: 'worker',
      args: [join(bundles, 'worker', 'main.js')],
      env: {
        PROPS_BACKEND: 'local',
        PROPS_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        PROPS_MODEL_DIR: join(bundles, 'worker', 'models'),
        PROPS_COMPLETION_URL: 'http://127.0.0.1:9/complete',
        PROPS_PUSH_AUTH: 'none',
      },
    });
    running.push(worker);
    await worker.waitUntilListening(30_000);
    const replay = await propsAsync(
      {},
      'replay',
      '--source',
      'rejected',
      '--data-dir',
      dataDir,
      '--worker',
      `${worker.url}/predict`,
    );
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/unreadable torn\.json: /);
    expect(replay.stdout).toMatch(/kept a\.json \(predict\): rejected again, recorded anew: message\./);
    expect(replay.stdout).toContain('0 sent, 2 kept');
    // The service's new record replaces the old one (set aside), so a replay never doubles the records.
    const left = readdirSync(rejected).filter((name) => name.endsWith('.json'));
    expect(left).toHaveLength(2);
    expect(left).toContain('torn.json');
    expect(left).not.toContain('a.json');
    expect(readdirSync(join(rejected, 'replayed'))).toEqual(['a.json']);

    const badSource = await propsAsync({}, 'replay', '--source', 'outbox');
    expect(badSource.code).toBe(2);
    expect(badSource.stderr.split('\n')[0]).toBe(
      'props replay: --source: expected dead-letter or rejected, got outbox',
    );
    const badUrl = await propsAsync({}, 'replay', '--source', 'rejected', '--worker', 'localhost:8080');
    expect(badUrl.stderr.split('\n')[0]).toBe('props replay: --worker: expected an http(s) URL, got localhost:8080');
  }, 240_000);
});

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpPushPublisher } from '@props/messaging';
import { freePort } from '@props/service-runtime';
import { withWarehouse } from '@props/warehouse';
import {
  API_KEY,
  startFromSource,
  Tap,
  dataDirWith,
  post,
  seedOnce,
  requestsIn,
  waitForConsolidated,
} from './test-support/local-stack';

const DATE = '2025-03-15';
// Small groups, so the date's players travel in several group messages.
const GROUPS_OF_TWO = { PROPS_PLAYERS_PER_MESSAGE: '2' };
const GROUPS_OF_THREE = { PROPS_PLAYERS_PER_MESSAGE: '3' };
// The production stall check runs every 15 minutes (scheduler job prediction-stall-check, minute field "*/15").
const STALL_CHECK_INTERVAL_MS = 15 * 60_000;
let seeded: string;
const running: Array<{ kill(): Promise<void> } | Tap> = [];

beforeAll(async () => {
  seeded = await seedOnce();
}, 120_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => (item instanceof Tap ? item.stop() : item.kill())));
});

async function coordinator(dataDir: string, workerUrls: string[], extra: Record<string, string> = {}, port?: number) {
  const service = await startFromSource(
    'coordinator',
    { PROPS_DATA_DIR: dataDir, PROPS_API_KEY: API_KEY, PROPS_WORKER_URLS: workerUrls.join(','), ...extra },
    port,
  );
  running.push(service);
  return service;
}

async function worker(dataDir: string, completionUrl: string, port?: number) {
  const service = await startFromSource(
    'worker',
    {
      PROPS_DATA_DIR: dataDir,
      PROPS_COMPLETION_URL: completionUrl,
      PROPS_COMPLETION_API_KEY: API_KEY,
      PROPS_PUSH_AUTH: 'none',
    },
    port,
  );
  running.push(service);
  return service;
}

async function tap() {
  const endpoint = new Tap();
  await endpoint.start();
  running.push(endpoint);
  return endpoint;
}

/** The predictions of the date, without the columns that differ between runs by nature (ids, times, lease). */
async function predictionsTable(dataDir: string) {
  return withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT game_id, player_lookup, system_id, CAST(current_points_line AS DOUBLE) AS line, CAST(predicted_points AS DOUBLE) AS predicted, confidence_score, recommendation, model_version, is_fallback, line_source
         FROM nba_predictions.player_prop_predictions WHERE game_date = '${DATE}' ORDER BY ALL`,
      )
    ).getRowObjectsJS(),
  );
}

async function duplicateKeys(dataDir: string): Promise<number> {
  return withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
    Number(
      (
        await connection.runAndReadAll(
          `SELECT count(*) FROM (SELECT game_id, player_lookup, system_id, current_points_line FROM nba_predictions.player_prop_predictions GROUP BY ALL HAVING count(*) > 1)`,
        )
      ).getRows()[0]![0],
    ),
  );
}

/** A batch's rows in the predictions table, and the rows_merged its prediction_batches row records (-1 without one). */
async function batchInTable(dataDir: string, batchId: string): Promise<{ predictions: number; recorded: number }> {
  return withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) => ({
    predictions: Number(
      (
        await connection.runAndReadAll(
          `SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE game_date = '${DATE}' AND batch_id = '${batchId}'`,
        )
      ).getRows()[0]![0],
    ),
    recorded: Number(
      (
        await connection.runAndReadAll(
          `SELECT rows_merged FROM nba_orchestration.prediction_batches WHERE batch_id = '${batchId}'`,
        )
      ).getRows()[0]?.[0] ?? -1,
    ),
  }));
}

/** Waits until a live, unreleased lease file appears under a lock key's folder, and returns it. */
async function leaseHeld(folder: string, timeoutMs = 60_000): Promise<{ token: number; expiresAt: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const file of existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith('lease-')) : []) {
      try {
        const lease = JSON.parse(readFileSync(join(folder, file), 'utf8')) as {
          token: number;
          expiresAt: number;
          released: boolean;
        };
        if (!lease.released && lease.expiresAt > Date.now()) return lease;
      } catch {
        // replaced while being read
      }
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
  throw new Error(`no lease held under ${folder} within ${timeoutMs} ms`);
}

/** SIGKILLs the service as soon as the batch header it writes says consolidated (watched, not polled). */
async function killWhenMarked(header: string, service: { kill(): Promise<void> }, timeoutMs = 120_000): Promise<void> {
  const marked = () => {
    try {
      return JSON.parse(readFileSync(header, 'utf8')).status === 'consolidated';
    } catch {
      return false; // replaced while being read
    }
  };
  await new Promise<void>((resolveMarked, rejectMarked) => {
    const watcher = watch(dirname(header), () => {
      if (!marked()) return;
      watcher.close();
      clearTimeout(timer);
      resolveMarked();
    });
    const timer = setTimeout(() => {
      watcher.close();
      rejectMarked(new Error(`${header} not marked consolidated within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  await service.kill();
}

/** Starts a batch whose requests land in a tap instead of a worker, and returns them. */
async function capturedBatch(dataDir: string, extra: Record<string, string> = {}) {
  const requests = await tap();
  const service = await coordinator(dataDir, [requests.url], extra);
  const started = await post(`${service.url}/start`, { game_date: DATE });
  expect(started.status).toBe(202);
  await requests.waitForPlayers(started.body.players_expected);
  return {
    coordinator: service,
    batchId: started.body.batch_id as string,
    envelopes: requests.received,
    players: started.body.players_expected as number,
  };
}

/** The captured batch's requests predicted by a real worker, its completions held back in a tap. */
async function predictedElsewhere(dataDir: string, batch: { envelopes: unknown[] }): Promise<unknown[]> {
  const completions = await tap();
  const predictor = await worker(dataDir, completions.url);
  await deliver(predictor.url, batch.envelopes);
  await completions.waitFor(batch.envelopes.length);
  return completions.received;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    seed = (seed * 16807) % 2147483647;
    const other = seed % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

async function deliver(workerUrl: string, envelopes: readonly unknown[], concurrency = 6): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < envelopes.length) {
        const envelope = envelopes[next++];
        const response = await fetch(`${workerUrl}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope),
        });
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

describe('batch reliability (real processes, HTTP on loopback, DuckDB files)', () => {
  it('every message (groups of three players) delivered three times in shuffled order leaves the same predictions table as one delivery', async () => {
    const once = dataDirWith(seeded);
    const single = await capturedBatch(once, GROUPS_OF_THREE);
    expect(single.envelopes.length).toBe(Math.ceil(single.players / 3));
    const singleWorker = await worker(once, `${single.coordinator.url}/complete`);
    expect(new Set(await deliver(singleWorker.url, single.envelopes))).toEqual(new Set([204]));
    await waitForConsolidated(single.coordinator.url, single.batchId);

    const thrice = dataDirWith(seeded);
    const triple = await capturedBatch(thrice, GROUPS_OF_THREE);
    expect(triple.envelopes.length).toBe(single.envelopes.length);
    const tripleWorker = await worker(thrice, `${triple.coordinator.url}/complete`);
    const statuses = await deliver(
      tripleWorker.url,
      shuffled([...triple.envelopes, ...triple.envelopes, ...triple.envelopes], 42),
    );
    expect(statuses.length).toBe(3 * triple.envelopes.length);
    expect(new Set(statuses)).toEqual(new Set([204]));
    const status = await waitForConsolidated(triple.coordinator.url, triple.batchId);
    // All but the players the original's feature gate refuses (opponent_def_rating above 125 on DATE).
    const refused = status.players_skipped.invalid_features ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(status.players_predicted).toBe(single.players - refused);

    const expected = await predictionsTable(once);
    expect(expected.length).toBeGreaterThan(single.players * 4);
    expect(await predictionsTable(thrice)).toEqual(expected);
    expect(await duplicateKeys(thrice)).toBe(0);
  }, 240_000);

  it('three coordinator processes finishing the same batch at once consolidate it exactly once, with no duplicate keys', async () => {
    const dataDir = dataDirWith(seeded);
    const batch = await capturedBatch(dataDir);
    const others = [
      await coordinator(dataDir, [batch.coordinator.url]),
      await coordinator(dataDir, [batch.coordinator.url]),
    ];
    const completed = await predictedElsewhere(dataDir, batch);
    const coordinators = [batch.coordinator, ...others];
    // Every completion goes to all three coordinators at once; each may see the batch complete.
    await Promise.all(
      completed.map((event) => Promise.all(coordinators.map((service) => post(`${service.url}/complete`, event)))),
    );
    const status = await waitForConsolidated(others[1]!.url, batch.batchId);
    expect(status.coverage).toBe(1);
    expect(await duplicateKeys(dataDir)).toBe(0);
    const merges = await withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            `SELECT count(*) FROM nba_orchestration.prediction_batches WHERE batch_id = '${batch.batchId}'`,
          )
        ).getRows()[0]![0],
      ),
    );
    expect(merges).toBe(1);
    expect((await predictionsTable(dataDir)).length).toBe(status.consolidation!.rows_merged);
  }, 240_000);

  it('a worker killed mid-batch (groups of two players): the stall check re-publishes the missing players and the batch completes with full coverage', async () => {
    const dataDir = dataDirWith(seeded);
    const port = await freePort();
    const workerPort = await freePort();
    const first = await worker(dataDir, `http://127.0.0.1:${port}/complete`, workerPort);
    const service = await coordinator(
      dataDir,
      [`${first.url}/predict`],
      { PROPS_STALL_SECONDS: '3600', ...GROUPS_OF_TWO },
      port,
    );
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    const batchId = started.body.batch_id as string;
    for (;;) {
      const status = (await (await fetch(`${service.url}/status/${batchId}`)).json()) as {
        players_pending: number;
        players_expected: number;
      };
      if (status.players_pending < status.players_expected) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 5));
    }
    await first.kill();
    const midway = (await (await fetch(`${service.url}/status/${batchId}`)).json()) as {
      status: string;
      players_pending: number;
    };
    expect(midway.status).toBe('running');
    expect(midway.players_pending).toBeGreaterThan(0);
    // Deliveries to the dead worker exhaust their retries and are dead-lettered, not lost.
    const deadLetters = join(dataDir, 'dead-letter');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(deadLetters) && readdirSync(deadLetters).length >= 3) && Date.now() < deadline)
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    const lettered = readdirSync(deadLetters).map((name) => JSON.parse(readFileSync(join(deadLetters, name), 'utf8')));
    expect(lettered.length).toBeGreaterThanOrEqual(3);
    expect(lettered[0].reason).toMatch(/did not accept message .* after 5 attempts \(last: ECONNREFUSED\)/);

    await worker(dataDir, `${service.url}/complete`, workerPort);
    const check = await post(`${service.url}/check-stalled`, { batch_id: batchId, force: true });
    expect(check.status).toBe(200);
    expect(check.body.actions).toHaveLength(1);
    expect(check.body.actions[0].action).toMatch(/^re-published \d+ missing players$/);
    expect(Number(/\d+/.exec(check.body.actions[0].action)![0])).toBeGreaterThanOrEqual(lettered.length);
    const status = await waitForConsolidated(service.url, batchId);
    expect(status.coverage).toBe(1);
    expect(status.consolidation!.partial).toBe(false);
    // Every player is accounted for: predicted, or refused by the original's feature gate.
    expect(Object.keys(status.players_skipped)).toEqual(['invalid_features']);
    expect(status.players_predicted).toBe(status.players_expected - status.players_skipped.invalid_features!);
    expect(await duplicateKeys(dataDir)).toBe(0);
  }, 240_000);

  it('a transient staging failure answers 503 (transient), Pub/Sub-style retries succeed, and exactly one set of rows is staged per player of the group', async () => {
    const dataDir = dataDirWith(seeded);
    const batch = await capturedBatch(dataDir, GROUPS_OF_THREE);
    const predictor = await worker(dataDir, `${batch.coordinator.url}/complete`);
    // A group published again under its logical id (<batch>.<first player>.<count>), which the worker checks against the payload.
    const envelope = batch.envelopes[0] as { message: { attributes: { props_message_id: string } } };
    const logicalId = envelope.message.attributes.props_message_id;
    // A file where the batch's staging folder must go makes the write fail until it is removed.
    const staging = join(dataDir, 'staging');
    mkdirSync(staging, { recursive: true });
    const blocker = join(staging, batch.batchId);
    writeFileSync(blocker, 'not a folder');
    const publisher = new HttpPushPublisher({
      endpoints: { 'prediction-request': `${predictor.url}/predict` },
      maxAttempts: 5,
      initialBackoffMs: 1000,
    });
    const delivered = publisher.publish(
      'prediction-request',
      JSON.parse(Buffer.from((batch.envelopes[0] as { message: { data: string } }).message.data, 'base64').toString()),
      { messageId: logicalId },
    );
    // The first delivery cannot stage (logged, then answered 503); the folder is freed before the redelivery 1 s later.
    while (!predictor.logs.includes('staging_write_failed')) await sleep(5);
    rmSync(blocker);
    await delivered;
    // Resolved: a redelivery was acknowledged, after exactly one 503.
    expect(predictor.logs.split('answered 503').length - 1).toBe(1);
    expect(predictor.logs).toContain('staging_write_failed');
    // Each player of the group staged once, under the player's own id.
    const files = readdirSync(join(staging, batch.batchId)).sort();
    const players = requestsIn(envelope).map((request) => request.player_lookup);
    expect(players.length).toBeGreaterThan(1);
    expect(files).toEqual(players.map((player) => `${batch.batchId}.${player}.ndjson`).sort());
    for (const file of files) {
      const rows = readFileSync(join(staging, batch.batchId, file), 'utf8')
        .trim()
        .split('\n');
      expect(new Set(rows.map((row) => JSON.parse(row).system_id)).size).toBe(rows.length);
    }
  }, 240_000);
});

describe('coordinator refusals and bookkeeping', () => {
  it('answers each bad start with a status and a reason, refuses a second running batch, and ignores stray completions', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const noGames = await post(`${service.url}/start`, { game_date: '2025-02-14' });
    expect(noGames).toEqual({
      status: 422,
      body: {
        error: 'no players in the game context for 2025-02-14; is it a game date of the seeded season?',
        code: 'no_players',
      },
    });
    const first = await post(`${service.url}/start`, { game_date: DATE });
    expect(first.status).toBe(202);
    const second = await post(`${service.url}/start`, { game_date: DATE });
    expect(second).toEqual({
      status: 409,
      body: {
        error: `batch ${first.body.batch_id} for ${DATE} is still running; send force: true to start another`,
        code: 'already_running',
      },
    });
    expect((await post(`${service.url}/start`, { game_date: DATE, force: true })).status).toBe(202);
    const byDate = (await (await fetch(`${service.url}/status?game_date=${DATE}`)).json()) as {
      batches: { batch_id: string }[];
    };
    expect(byDate.batches.map((batch) => batch.batch_id)).toContain(first.body.batch_id);
    const stray = {
      batch_id: 'batch_unknown',
      player_lookup: 'nobody',
      game_date: DATE,
      message_id: 'm',
      outcome: 'staged',
      rows_staged: 6,
      skip_reason: null,
      worker_instance: 'w',
      timestamp: new Date().toISOString(),
    };
    const envelope = {
      message: { data: Buffer.from(JSON.stringify(stray)).toString('base64'), messageId: 'c1' },
      subscription: 'projects/local/subscriptions/prediction-ready',
    };
    const response = await fetch(`${service.url}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(envelope),
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-completion')).toBe('ignored');
    // A malformed completion is acknowledged (Pub/Sub would redeliver anything else) and recorded.
    expect(await post(`${service.url}/complete`, { message: {} })).toEqual({
      status: 200,
      body: { acknowledged: true, rejected: { field: 'message.data', problem: expect.any(String) } },
    });
    expect((await fetch(`${service.url}/status/batch_nope`)).status).toBe(404);
  }, 120_000);

  it('refuses to start without a warehouse, naming the seed command, and without workers', async () => {
    const empty = dataDirWith(seeded);
    rmSync(join(empty, 'warehouse.duckdb'));
    const requests = await tap();
    const service = await coordinator(empty, [requests.url]);
    const missing = await post(`${service.url}/start`, { game_date: DATE });
    expect(missing.status).toBe(503);
    // The body names no path; the log names the file and the command that builds it.
    expect(missing.body).toEqual({
      error:
        'the warehouse file does not exist; an operator builds it with props warehouse seed (the service log names the file)',
      code: 'warehouse_missing',
    });
    expect(service.logs).toContain(
      `warehouse ${join(empty, 'warehouse.duckdb')} does not exist; build it with: props warehouse seed --out ${join(empty, 'warehouse.duckdb')}`,
    );
    const noWorkers = await coordinator(dataDirWith(seeded), []);
    expect(await post(`${noWorkers.url}/start`, { game_date: DATE })).toEqual({
      status: 503,
      body: { error: 'no worker endpoints are configured (PROPS_WORKER_URLS)', code: 'no_workers' },
    });
  }, 120_000);
});

describe('the callers of the original platform (docs/operations/cutover.md, "Callers")', () => {
  const easternToday = () =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());

  it("each caller's exact /start body starts a batch, or gets the answer that caller acts on; /ready answers the phase-4 orchestrator's probe", async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url], { LOG_LEVEL: 'info' });
    const started = async (body: unknown) => {
      const answer = await post(`${service.url}/start`, body);
      expect(
        answer.status,
        `${JSON.stringify(body)}: ${JSON.stringify(answer.body)} ${service.logs.slice(-1500)}`,
      ).toBe(202);
      return answer.body as { batch_id: string; game_date: string; players_expected: number };
    };
    // Phase-4 orchestrator and its timeout check, self-heal, the admin dashboard, force_predictions.sh, replay_pipeline.py.
    expect(
      (await started({ game_date: '2025-03-15', correlation_id: 'c0ffee12', trigger_source: 'phase4_orchestrator' }))
        .game_date,
    ).toBe('2025-03-15');
    await started({
      game_date: '2025-03-14',
      correlation_id: 'timeout-check-20250314-230000',
      trigger_source: 'phase4_timeout_check',
    });
    await started({ game_date: '2025-03-13' });
    expect(await post(`${service.url}/start`, { game_date: '2025-03-13' })).toMatchObject({ status: 409 });
    // force_predictions.sh with a test prefix: the seeded warehouse has no test datasets, and says so.
    expect(await post(`${service.url}/start`, { game_date: '2025-03-12', dataset_prefix: 'test' })).toEqual({
      status: 422,
      body: {
        error:
          'dataset prefix "test": the warehouse has no test_nba_analytics.upcoming_player_game_context; a prefixed batch reads and writes its own datasets, so create them first',
        code: 'prefixed_datasets_missing',
      },
    });
    await started({ game_date: '2025-03-12' });
    await started({
      game_date: '2025-03-11',
      correlation_id: 'replay-2025-03-11-1741737600',
      trigger_source: 'pipeline_replay',
    });
    // The regeneration scripts: min_minutes 0 with force lets low-minute players without a line in.
    const usual = await started({ game_date: '2025-03-10' });
    const regenerated = await started({ game_date: '2025-03-10', min_minutes: 0, force: true });
    expect(regenerated.players_expected).toBeGreaterThan(usual.players_expected);
    // The schedulers send {"force": true} and the historical backfill a range the original ignored:
    // both mean today in America/New_York, which the seeded season has no games on.
    const today = easternToday();
    for (const body of [
      { force: true },
      { start_date: '2025-01-01', end_date: '2025-01-31' },
      { game_date: 'today', use_multiple_lines: true, parent_processor: 'Phase4Orchestrator' },
    ]) {
      expect(await post(`${service.url}/start`, body)).toEqual({
        status: 422,
        body: {
          error: `no players in the game context for ${today}; is it a game date of the seeded season?`,
          code: 'no_players',
        },
      });
    }
    expect(service.logs).toContain('not honoured: start_date/end_date (a range is not supported: one date per batch)');
    // The stall-check scheduler's body: accepted, its threshold honoured (nothing is 10 minutes old yet).
    const stallCheck = await post(`${service.url}/check-stalled`, {
      stall_threshold_minutes: 10,
      min_completion_pct: 95.0,
    });
    expect(stallCheck.status).toBe(200);
    expect(stallCheck.body.actions.length).toBeGreaterThanOrEqual(6);
    expect(stallCheck.body.actions.every((action: { action: string }) => action.action.startsWith('waiting: '))).toBe(
      true,
    );
    const ready = await fetch(`${service.url}/ready`);
    expect([ready.status, ((await ready.json()) as { status: string }).status]).toEqual([200, 'ready']);
  }, 180_000);
});

describe('a coordinator that dies while consolidating', () => {
  it('SIGKILLed holding the date lock mid-merge: the next coordinator waits out the short lease, reopens the batch and merges it with the full row count, well inside one stall-check interval', async () => {
    const dataDir = dataDirWith(seeded);
    const batch = await capturedBatch(dataDir);
    const completed = await predictedElsewhere(dataDir, batch);
    // Holding the warehouse file keeps the coordinator's merge waiting inside the date lock.
    const holder = await DuckDBInstance.create(join(dataDir, 'warehouse.duckdb'));
    const delivered = Promise.allSettled(completed.map((event) => post(`${batch.coordinator.url}/complete`, event)));
    const lease = await leaseHeld(join(dataDir, 'locks', `consolidation_${DATE}`));
    await batch.coordinator.kill();
    const killedAt = Date.now();
    holder.closeSync();
    await delivered;
    // A dead holder's lease frees the date within a minute (the attack found a 300 s lease).
    expect(lease.expiresAt - killedAt).toBeLessThanOrEqual(60_000);

    const successor = await coordinator(dataDir, [batch.coordinator.url]);
    const actions: string[] = [];
    let status: any;
    for (;;) {
      const check = await post(`${successor.url}/check-stalled`, { batch_id: batch.batchId });
      expect(check.status).toBe(200);
      actions.push(...check.body.actions.map((action: { action: string }) => action.action));
      status = await (await fetch(`${successor.url}/status/${batch.batchId}`)).json();
      if (status.status === 'consolidated' || Date.now() - killedAt > STALL_CHECK_INTERVAL_MS) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
    }
    const recoveredMs = Date.now() - killedAt;
    process.stdout.write(
      `recovery: consolidated ${(recoveredMs / 1000).toFixed(1)} s after the kill (lease expired ${((lease.expiresAt - killedAt) / 1000).toFixed(1)} s after the kill, stall check every ${STALL_CHECK_INTERVAL_MS / 60_000} min)\n`,
    );
    expect(status.status).toBe('consolidated');
    expect(recoveredMs).toBeLessThan(STALL_CHECK_INTERVAL_MS);
    const reopened = actions.findIndex((action) => action.startsWith('reopened a consolidation left unfinished'));
    expect(reopened).toBeGreaterThanOrEqual(0);
    expect(actions.slice(0, reopened).every((action) => action.startsWith('waiting: consolidating since'))).toBe(true);
    expect(actions.slice(reopened + 1)).toEqual(['consolidated: every player was in']);
    // The whole batch counted, as one undisturbed merge would: every staged row, once.
    const inTable = await batchInTable(dataDir, batch.batchId);
    expect(status.coverage).toBe(1);
    expect(status.consolidation!.rows_merged).toBe(status.rows_staged);
    expect(inTable).toEqual({ predictions: status.rows_staged, recorded: status.rows_staged });
    expect(await duplicateKeys(dataDir)).toBe(0);
  }, 300_000);

  it('SIGKILLed the moment its batch is marked consolidated, before the file is checkpointed and closed: the next opening has every merged row and the bookkeeping row', async () => {
    const dataDir = dataDirWith(seeded);
    const batch = await capturedBatch(dataDir);
    const completed = await predictedElsewhere(dataDir, batch);
    const header = join(dataDir, 'batches', batch.batchId, 'batch.json');
    const killed = killWhenMarked(header, batch.coordinator);
    const delivered = Promise.allSettled(completed.map((event) => post(`${batch.coordinator.url}/complete`, event)));
    await killed;
    await delivered;
    const warehouse = join(dataDir, 'warehouse.duckdb');
    // Whether the kill landed before the close's checkpoint ended (the log then holds the merge).
    process.stdout.write(`killed when marked; write-ahead log left: ${existsSync(`${warehouse}.wal`)}\n`);
    const marked = JSON.parse(readFileSync(header, 'utf8'));
    expect(marked.status).toBe('consolidated');
    expect(marked.consolidation.rows_merged).toBeGreaterThan(0);
    const inTable = await batchInTable(dataDir, batch.batchId);
    expect(inTable).toEqual({
      predictions: marked.consolidation.rows_merged,
      recorded: marked.consolidation.rows_merged,
    });
    expect(await duplicateKeys(dataDir)).toBe(0);
    // The replayed rows are in their table's index: deleting them works (DuckDB 1.5's replay bug, docs/reliability.md).
    await withWarehouse(warehouse, (connection) =>
      connection.run(
        `DELETE FROM nba_predictions.player_prop_predictions WHERE game_date = '${DATE}' AND batch_id = '${batch.batchId}'`,
      ),
    );
  }, 240_000);

  it('a merge that finished before the crash is counted in full when the batch is reconsolidated with nothing left staged', async () => {
    const dataDir = dataDirWith(seeded);
    const batch = await capturedBatch(dataDir);
    const completed = await predictedElsewhere(dataDir, batch);
    for (const event of completed) expect((await post(`${batch.coordinator.url}/complete`, event)).status).toBe(204);
    const first = await waitForConsolidated(batch.coordinator.url, batch.batchId);
    // What a crash after the merge and the staging removal, before the state update, leaves behind.
    const header = join(dataDir, 'batches', batch.batchId, 'batch.json');
    const claimed = {
      ...JSON.parse(readFileSync(header, 'utf8')),
      status: 'consolidating',
      consolidating_since: new Date(Date.now() - 3_600_000).toISOString(),
      consolidation: null,
    };
    writeFileSync(header, JSON.stringify(claimed));
    const check = await post(`${batch.coordinator.url}/check-stalled`, { batch_id: batch.batchId });
    expect(check.body.actions).toEqual([
      {
        batch_id: batch.batchId,
        action: `reopened a consolidation left unfinished since ${claimed.consolidating_since}`,
      },
      { batch_id: batch.batchId, action: 'consolidated: every player was in' },
    ]);
    const again = await waitForConsolidated(batch.coordinator.url, batch.batchId);
    expect(again.consolidation!.rows_staged).toBe(0);
    expect(again.consolidation!.rows_merged).toBe(first.consolidation!.rows_merged);
    expect(again.consolidation!.rows_merged).toBe(first.rows_staged);
  }, 240_000);
});

describe('the phase-5 completion', () => {
  it('that cannot be published is retried, then logged as phase5_completion_publish_failed; the batch stays consolidated', async () => {
    const dataDir = dataDirWith(seeded);
    // A file where the outbox folder should be: every publish of the completion fails.
    writeFileSync(join(dataDir, 'outbox'), 'not a folder');
    const batch = await capturedBatch(dataDir, { LOG_LEVEL: 'info' });
    const completed = await predictedElsewhere(dataDir, batch);
    for (const event of completed) expect((await post(`${batch.coordinator.url}/complete`, event)).status).toBe(204);
    const status = await waitForConsolidated(batch.coordinator.url, batch.batchId);
    expect(status.consolidation!.rows_merged).toBe(status.rows_staged);
    const failure = batch.coordinator.logs
      .split('\n')
      .find((line) => line.includes('"event":"phase5_completion_publish_failed"'));
    expect(failure).toBeDefined();
    expect(JSON.parse(failure!)).toMatchObject({
      severity: 'ERROR',
      batch_id: batch.batchId,
      game_date: DATE,
      topic: 'nba-phase5-predictions-complete',
    });
  }, 240_000);
});

describe('a warehouse that cannot be opened', () => {
  it("answers /start 503 warehouse_damaged and fails readiness naming the problem; only the log names the file and DuckDB's words", async () => {
    const dataDir = dataDirWith(seeded);
    const file = join(dataDir, 'warehouse.duckdb');
    writeFileSync(file, 'torn '.repeat(4096));
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started).toEqual({
      status: 503,
      body: {
        error:
          'the warehouse file is damaged (truncated or corrupt); retrying will not help, an operator must restore it (the service log names the file)',
        code: 'warehouse_damaged',
      },
    });
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = await ready.text();
    expect(JSON.parse(body).checks).toContainEqual({ name: 'duckdb warehouse', status: 'failed', problem: 'damaged' });
    for (const secret of [dataDir, 'warehouse.duckdb', 'IO Error', 'DuckDB', 'workers='])
      expect(body).not.toContain(secret);
    const logged = service.logs.split('\n').find((line) => line.includes('"event":"readiness_degraded"'));
    expect(logged).toContain(`warehouse ${file} is damaged`);
    expect(logged).toContain('not a valid DuckDB database file');
  }, 120_000);
});

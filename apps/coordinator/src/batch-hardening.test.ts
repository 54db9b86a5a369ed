import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withWarehouse } from '@props/warehouse';
import { BatchStatusBodySchema } from '@props/contracts';
import {
  API_KEY,
  startFromSource,
  Tap,
  dataDirWith,
  post,
  seedOnce,
  waitForConsolidated,
} from './test-support/local-stack';

// Issue 25's attacks on the batch lifecycle, through real coordinator and worker processes.
const DATE = '2025-03-15';
const OTHER_DATE = '2025-03-14';
let seeded: string;
const running: Array<{ kill(): Promise<void> } | Tap> = [];

beforeAll(async () => {
  seeded = await seedOnce();
}, 120_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => (item instanceof Tap ? item.stop() : item.kill())));
});

async function coordinator(dataDir: string, workerUrls: string[], extra: Record<string, string> = {}) {
  const service = await startFromSource('coordinator', {
    PROPS_DATA_DIR: dataDir,
    PROPS_API_KEY: API_KEY,
    PROPS_WORKER_URLS: workerUrls.join(','),
    LOG_LEVEL: 'info',
    // These cases are about one player's message (a late player, a forged id, a torn file): the
    // original's one-player message. Groups are covered in batch-reliability.test.ts.
    PROPS_PLAYERS_PER_MESSAGE: '1',
    ...extra,
  });
  running.push(service);
  return service;
}

async function worker(dataDir: string, completionUrl: string) {
  const service = await startFromSource('worker', {
    PROPS_DATA_DIR: dataDir,
    PROPS_COMPLETION_URL: completionUrl,
    PROPS_COMPLETION_API_KEY: API_KEY,
    PROPS_PUSH_AUTH: 'none',
  });
  running.push(service);
  return service;
}

async function tap() {
  const endpoint = new Tap();
  await endpoint.start();
  running.push(endpoint);
  return endpoint;
}

async function deliver(workerUrl: string, envelopes: readonly unknown[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const envelope of envelopes) {
    const response = await fetch(`${workerUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
    statuses.push(response.status);
  }
  return statuses;
}

async function status(coordinatorUrl: string, batchId: string) {
  return (await (await fetch(`${coordinatorUrl}/status/${batchId}`)).json()) as {
    status: string;
    coverage: number;
    players_expected: number;
    rows_staged: number;
    last_error: string | null;
    consolidation: { rows_merged: number; partial: boolean; coverage: number } | null;
  };
}

async function rowsByBatch(dataDir: string, gameDate = DATE) {
  return withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
    Object.fromEntries(
      (
        await connection.runAndReadAll(
          `SELECT batch_id, count(*) FROM nba_predictions.player_prop_predictions WHERE game_date = '${gameDate}' GROUP BY batch_id`,
        )
      )
        .getRows()
        .map(([batch, count]) => [String(batch), Number(count)]),
    ),
  );
}

function phase5Completions(dataDir: string): Array<{ data: { execution_id: string } }> {
  const file = join(dataDir, 'outbox', 'nba-phase5-predictions-complete.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('newest wins (issue 25, item 1)', () => {
  it("a stalled morning batch re-published and checked in the evening never replaces the forced noon batch's rows, and only the noon batch announces", async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url], { PROPS_STALL_SECONDS: '3600' });
    const morning = await post(`${service.url}/start`, { game_date: DATE });
    expect(morning.status).toBe(202);
    await requests.waitForPlayers(morning.body.players_expected);
    const morningEnvelopes = requests.received.splice(0);
    // Batch ids order by their start second: the forced batch starts in a later one.
    await sleep(1_100);
    const noon = await post(`${service.url}/start`, { game_date: DATE, force: true });
    expect(noon.status).toBe(202);
    await requests.waitForPlayers(noon.body.players_expected);
    const noonEnvelopes = requests.received.splice(0);
    expect((await status(service.url, morning.body.batch_id)).status).toBe('superseded');
    expect(service.logs).toContain('"event":"batch_superseded"');

    const predictor = await worker(dataDir, `${service.url}/complete`);
    expect(new Set(await deliver(predictor.url, noonEnvelopes))).toEqual(new Set([204]));
    const noonStatus = await waitForConsolidated(service.url, noon.body.batch_id);
    const noonRows = { [noon.body.batch_id]: noonStatus.consolidation!.rows_merged };
    expect(await rowsByBatch(dataDir)).toEqual(noonRows);

    // The evening: the morning batch's stored messages are re-published and predicted, and the stall check runs forced.
    expect(new Set(await deliver(predictor.url, morningEnvelopes))).toEqual(new Set([204]));
    const check = await post(`${service.url}/check-stalled`, { force: true });
    expect(check.status).toBe(200);
    expect(check.body.actions.map((action: { batch_id: string }) => action.batch_id)).not.toContain(
      morning.body.batch_id,
    );
    const stale = await status(service.url, morning.body.batch_id);
    expect(stale.status).toBe('superseded');
    expect(stale.consolidation).toBeNull();
    expect(await rowsByBatch(dataDir)).toEqual(noonRows);
    expect(phase5Completions(dataDir).map((message) => message.data.execution_id)).toEqual([noon.body.batch_id]);
  }, 300_000);
});

describe('the stall sweep isolates failures (issue 25, item 2)', () => {
  it('one batch whose re-publish fails is reported with its reason and an alertable event; the batch after it is still re-published and /check-stalled answers 200', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const broken = await post(`${service.url}/start`, { game_date: OTHER_DATE });
    expect(broken.status).toBe(202);
    const healthy = await post(`${service.url}/start`, { game_date: DATE });
    expect(healthy.status).toBe(202);
    await requests.waitForPlayers(broken.body.players_expected + healthy.body.players_expected);
    // The older batch's stored messages are gone: its re-publish fails on every run.
    rmSync(join(dataDir, 'batches', broken.body.batch_id, 'messages.json'));
    const check = await post(`${service.url}/check-stalled`, { force: true });
    expect(check.status).toBe(200);
    expect(check.body.actions).toEqual([
      { batch_id: broken.body.batch_id, action: expect.stringMatching(/^failed: /) },
      {
        batch_id: healthy.body.batch_id,
        action: `re-published ${healthy.body.players_expected} missing players`,
      },
    ]);
    // The answer names no path; the log has it, under the alertable event.
    expect(check.body.actions[0].action).not.toContain(dataDir);
    const failure = service.logs.split('\n').find((line) => line.includes('"event":"consolidation_failed"'));
    expect(JSON.parse(failure!)).toMatchObject({ severity: 'ERROR', batch_id: broken.body.batch_id });
  }, 240_000);
});

describe('forced stall checks and late players (issue 25, item 5)', () => {
  it('a second forced check respects the deadline the re-publish set, and a late player of a partially consolidated batch is merged by a follow-up', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url], { PROPS_STALL_SECONDS: '3600' });
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    const batchId = started.body.batch_id as string;
    await requests.waitForPlayers(started.body.players_expected);
    const envelopes = requests.received.splice(0);
    const predictor = await worker(dataDir, `${service.url}/complete`);
    const [late, ...onTime] = envelopes;
    await deliver(predictor.url, onTime);
    const first = await post(`${service.url}/check-stalled`, { batch_id: batchId, force: true });
    expect(first.body.actions).toEqual([{ batch_id: batchId, action: 're-published 1 missing players' }]);
    await requests.waitFor(1);
    const second = await post(`${service.url}/check-stalled`, { batch_id: batchId, force: true });
    expect(second.body.actions).toEqual([
      { batch_id: batchId, action: expect.stringMatching(/^waiting: 1 of \d+ players pending; stall deadline /) },
    ]);
    expect((await status(service.url, batchId)).status).toBe('running');
    // The scheduler's own threshold (a few milliseconds here) passed: consolidated with partial coverage.
    await sleep(200);
    const partial = await post(`${service.url}/check-stalled`, {
      batch_id: batchId,
      stall_threshold_minutes: 0.001,
      min_completion_pct: 50,
    });
    expect(partial.body.actions[0].action).toMatch(/^consolidated with partial coverage/);
    const before = await status(service.url, batchId);
    expect(before.consolidation!.partial).toBe(true);
    // The late delivery of the re-published player lands after the partial merge: merged, not dropped.
    expect(await deliver(predictor.url, [late])).toEqual([204]);
    const after = await status(service.url, batchId);
    expect(after.consolidation).toMatchObject({ partial: false, coverage: 1 });
    expect(after.consolidation!.rows_merged).toBe(after.rows_staged);
    expect((await rowsByBatch(dataDir))[batchId]).toBe(after.rows_staged);
  }, 240_000);
});

type Envelope = { message: { data: string; messageId: string; attributes: Record<string, string> } };
const payloadOf = (envelope: Envelope) => JSON.parse(Buffer.from(envelope.message.data, 'base64').toString());

describe('message identity and staged files (issue 25, items 3 and 4)', () => {
  it("refuses content under another player's message id, and quarantines a staged file that is empty or holds another player's rows; coverage counts both as missing", async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url], { PROPS_STALL_SECONDS: '3600' });
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    const batchId = started.body.batch_id as string;
    await requests.waitForPlayers(started.body.players_expected);
    const envelopes = requests.received.splice(0) as Envelope[];
    const completions = await tap();
    const predictor = await worker(dataDir, completions.url);

    // A forged payload (a fake player) under a real player's logical id: refused, recorded, acknowledged.
    const [victim, torn, swapped] = envelopes.map(payloadOf) as Array<{ player_lookup: string }>;
    const forged = {
      ...envelopes[0]!,
      message: {
        ...envelopes[0]!.message,
        messageId: 'forged-delivery',
        data: Buffer.from(JSON.stringify({ ...payloadOf(envelopes[0]!), player_lookup: 'fakeplayer' })).toString(
          'base64',
        ),
      },
    };
    const refused = await fetch(`${predictor.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({
      acknowledged: true,
      rejected: { field: 'message.attributes.props_message_id' },
    });
    expect(existsSync(join(dataDir, 'staging', batchId, `${batchId}.${victim!.player_lookup}.ndjson`))).toBe(false);

    expect(new Set(await deliver(predictor.url, envelopes))).toEqual(new Set([204]));
    await completions.waitFor(envelopes.length);
    const staged = (player: string) => join(dataDir, 'staging', batchId, `${batchId}.${player}.ndjson`);
    // What a crash before the bytes reached the disk leaves: an empty file behind a completion of 6 rows.
    writeFileSync(staged(torn!.player_lookup), '');
    // Rows of another player under this player's id (what an old worker could stage for a forged message).
    writeFileSync(staged(swapped!.player_lookup), readFileSync(staged(victim!.player_lookup)));
    for (const event of completions.received) expect((await post(`${service.url}/complete`, event)).status).toBe(204);
    const done = await waitForConsolidated(service.url, batchId);
    expect(done.consolidation!.quarantined!.sort()).toEqual(
      [`${batchId}.${torn!.player_lookup}`, `${batchId}.${swapped!.player_lookup}`].sort(),
    );
    expect(done.coverage).toBeCloseTo((envelopes.length - 2) / envelopes.length, 6);
    expect(done.consolidation!.coverage).toBeCloseTo((envelopes.length - 2) / envelopes.length, 6);
    expect(readdirSync(join(dataDir, 'staging', batchId, 'quarantine')).sort()).toEqual(
      [`${batchId}.${torn!.player_lookup}.ndjson`, `${batchId}.${swapped!.player_lookup}.ndjson`].sort(),
    );
    const quarantinedLines = service.logs
      .split('\n')
      .filter((line) => line.includes('"event":"staged_message_quarantined"'));
    expect(quarantinedLines.some((line) => line.includes('empty or torn'))).toBe(true);
    const players = await withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT DISTINCT player_lookup FROM nba_predictions.player_prop_predictions WHERE game_date = '${DATE}'`,
        )
      )
        .getRows()
        .map((row) => String(row[0])),
    );
    expect(players).not.toContain('fakeplayer');
    expect(players).not.toContain(torn!.player_lookup);
    expect(players).not.toContain(swapped!.player_lookup);
  }, 300_000);
});

describe('no wedge from a bad file or a crash (issue 25, item 6)', () => {
  it('wrong-shaped batch.json files (null, {}, a number, a bad created_at, no players) are skipped: /start, /status?game_date and /check-stalled answer, /status/..%2F.. is 404', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const first = await post(`${service.url}/start`, { game_date: OTHER_DATE });
    expect(first.status).toBe(202);
    const header = JSON.parse(readFileSync(join(dataDir, 'batches', first.body.batch_id, 'batch.json'), 'utf8'));
    const shapes: Record<string, string> = {
      batch_null: 'null',
      batch_empty: '{}',
      batch_number: '42',
      batch_created: JSON.stringify({ ...header, batch_id: 'batch_created', game_date: DATE, created_at: 12345 }),
      batch_noplayers: JSON.stringify({ ...header, batch_id: 'batch_noplayers', game_date: DATE, players: undefined }),
    };
    for (const [batchId, text] of Object.entries(shapes)) {
      mkdirSync(join(dataDir, 'batches', batchId, 'completions'), { recursive: true });
      writeFileSync(join(dataDir, 'batches', batchId, 'batch.json'), text);
    }
    expect((await post(`${service.url}/start`, { game_date: DATE })).status).toBe(202);
    const byDate = await fetch(`${service.url}/status?game_date=${DATE}`);
    expect(byDate.status).toBe(200);
    expect(((await byDate.json()) as { batches: unknown[] }).batches).toHaveLength(1);
    const check = await post(`${service.url}/check-stalled`, {});
    expect(check.status).toBe(200);
    expect((await fetch(`${service.url}/status/batch_null`)).status).toBe(404);
    expect((await fetch(`${service.url}/status/..%2F..`)).status).toBe(404);
    const reported = service.logs.split('\n').filter((line) => line.includes('"event":"state_file_unreadable"'));
    for (const batchId of Object.keys(shapes))
      expect(reported.some((line) => line.includes(join(dataDir, 'batches', batchId, 'batch.json')))).toBe(true);
  }, 240_000);

  it('a coordinator killed inside /start frees the date within one short lease, and the next /start of the date succeeds', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const doomed = await coordinator(dataDir, [requests.url]);
    // Holding the warehouse file keeps /start waiting inside the start lock.
    const holder = await DuckDBInstance.create(join(dataDir, 'warehouse.duckdb'));
    const pending = post(`${doomed.url}/start`, { game_date: DATE }).catch(() => null);
    const lease = await leaseHeld(join(dataDir, 'locks', `start_${DATE}`));
    await doomed.kill();
    const killedAt = Date.now();
    holder.closeSync();
    await pending;
    expect(lease.expiresAt - killedAt).toBeLessThanOrEqual(30_000);
    const successor = await coordinator(dataDir, [requests.url]);
    let started = await post(`${successor.url}/start`, { game_date: DATE });
    // The successor's own wait (30 s) may end before the dead lease lapses; the scheduler's retry then starts it.
    if (started.status === 503) started = await post(`${successor.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
  }, 240_000);
});

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
    await sleep(10);
  }
  throw new Error(`no lease held under ${folder} within ${timeoutMs} ms`);
}

describe('the classification table (issue 25, items 9 and 11; docs/reliability.md)', () => {
  it('every listed input lands in its row: acknowledged and recorded, acknowledged and ignored, answered 404 or 400, never 5xx', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    await requests.waitForPlayers(started.body.players_expected);
    const real = requests.received[0] as Envelope;
    const payload = payloadOf(real);
    const predictor = await worker(dataDir, `${service.url}/complete`);
    const envelope = (data: unknown, messageId: string, attributes: Record<string, string> = {}) => ({
      message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId, attributes },
      subscription: 'projects/local/subscriptions/x',
    });
    const completion = (batchId: string) => ({
      batch_id: batchId,
      player_lookup: 'nobody',
      game_date: DATE,
      message_id: 'm',
      outcome: 'staged',
      rows_staged: 6,
      skip_reason: null,
      worker_instance: 'w',
      timestamp: new Date().toISOString(),
    });
    const send = async (url: string, body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
        body,
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : null,
        completion: response.headers.get('x-completion'),
      };
    };
    const predict = (body: unknown) => send(`${predictor.url}/predict`, JSON.stringify(body));
    const complete = (body: unknown) => send(`${service.url}/complete`, JSON.stringify(body));
    const recorded = (field: string) => ({ status: 200, field });
    const rows: Array<{
      input: string;
      answer: () => Promise<{ status: number; body: any; completion: string | null }>;
      expected: { status: number; field?: string; completion?: string };
    }> = [
      {
        input: 'push: a delivery id with "/"',
        answer: () => predict(envelope(payload, 'a/b')),
        expected: recorded('message.messageId'),
      },
      {
        input: 'push: a delivery id with NUL',
        answer: () => predict(envelope(payload, 'a\u0000b')),
        expected: recorded('message.messageId'),
      },
      {
        input: 'push: a Unicode delivery id',
        answer: () => predict(envelope(payload, 'ünïcødé')),
        expected: recorded('message.messageId'),
      },
      {
        input: 'push: a delivery id over 200 characters',
        answer: () => predict(envelope(payload, 'x'.repeat(201))),
        expected: recorded('message.messageId'),
      },
      {
        input: 'push: props_message_id with ":"',
        answer: () =>
          predict(envelope(payload, 'd1', { props_message_id: `${payload.batch_id}:${payload.player_lookup}` })),
        expected: recorded('message.attributes.props_message_id'),
      },
      {
        input: "push: another player's props_message_id",
        answer: () =>
          predict(
            envelope({ ...payload, player_lookup: 'fakeplayer' }, 'd2', {
              props_message_id: real.message.attributes.props_message_id!,
            }),
          ),
        expected: recorded('message.attributes.props_message_id'),
      },
      {
        input: 'push: an attribute key __proto__',
        answer: () =>
          send(
            `${predictor.url}/predict`,
            `{"message":{"data":"${real.message.data}","messageId":"d3","attributes":{"__proto__":"x","props_message_id":"${real.message.attributes.props_message_id}"}}}`,
          ),
        expected: { status: 204 },
      },
      { input: 'push: no message', answer: () => predict({}), expected: recorded('message') },
      {
        input: 'completion: a batch_id with "/"',
        answer: () => complete(envelope(completion('batch_a/../b'), 'c1')),
        expected: { status: 204, completion: 'ignored' },
      },
      {
        input: 'completion: an unknown batch',
        answer: () => complete(envelope(completion('batch_unknown'), 'c2')),
        expected: { status: 204, completion: 'ignored' },
      },
      { input: 'completion: no data', answer: () => complete({ message: {} }), expected: recorded('message.data') },
      { input: '/start with body null', answer: () => send(`${service.url}/start`, 'null'), expected: { status: 400 } },
      {
        input: '/status/..%2F..',
        answer: async () => ({
          status: (await fetch(`${service.url}/status/..%2F..`)).status,
          body: null,
          completion: null,
        }),
        expected: { status: 404 },
      },
    ];
    const outcomes = [];
    for (const row of rows) {
      const answer = await row.answer();
      outcomes.push({
        input: row.input,
        status: answer.status,
        ...(row.expected.field ? { field: answer.body?.rejected?.field } : {}),
        ...(row.expected.completion ? { completion: answer.completion } : {}),
      });
    }
    expect(outcomes).toEqual(rows.map((row) => ({ input: row.input, ...row.expected })));
    // A prototype-named field is listed as not honoured like any other unknown field.
    await post(`${service.url}/start`, { game_date: DATE, toString: 'x' });
    expect(service.logs).toContain('not honoured: toString');
    // 2,400 unknown fields of 100 characters (a 250 KB body): the start_requested line stays small and counts the rest.
    const wide = Object.fromEntries(
      Array.from({ length: 2_400 }, (_, index) => [`f${String(index).padStart(5, '0')}${'x'.repeat(94)}`, 1]),
    );
    await post(`${service.url}/start`, { game_date: DATE, ...wide });
    const line = service.logs.split('\n').findLast((entry) => entry.includes('"event":"start_requested"'))!;
    expect(line.length).toBeLessThan(16_000);
    expect(line).toContain('… and 2380 more fields');
  }, 240_000);
});

describe('permanent warehouse faults are classified, not retried (issue 25, item 11)', () => {
  it('an absent dataset prefix answers 422 and a half-truncated warehouse 503 warehouse_damaged, whose log line names the file', async () => {
    const good = dataDirWith(seeded);
    const requests = await tap();
    const healthy = await coordinator(good, [requests.url]);
    expect(await post(`${healthy.url}/start`, { game_date: DATE, dataset_prefix: 'absent' })).toMatchObject({
      status: 422,
      body: { code: 'prefixed_datasets_missing' },
    });
    const damaged = dataDirWith(seeded);
    const file = join(damaged, 'warehouse.duckdb');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const service = await coordinator(damaged, [requests.url]);
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started).toMatchObject({ status: 503, body: { code: 'warehouse_damaged' } });
    expect(JSON.stringify(started.body)).not.toContain(damaged);
    const failure = service.logs.split('\n').find((line) => line.includes('"event":"request_failed"'))!;
    expect(failure).toContain(
      `warehouse ${file} is damaged (truncated or corrupt: IO Error: Could not read enough bytes`,
    );
    // Permanent: the loader gave up at once instead of retrying every player on its own.
    expect(failure).not.toContain('per-player');
    expect(requests.received).toHaveLength(0);
  }, 180_000);
});

describe('readiness bodies carry no path, URL or audience (issue 25, item 7)', () => {
  it("a worker whose model folder is missing says which models serve the fallback; the log has the folder, the body has none of the worker's settings", async () => {
    const dataDir = dataDirWith(seeded);
    const modelDir = join(dataDir, 'no-such-models');
    const completionUrl = 'http://127.0.0.1:9/complete-private-path';
    const audience = 'https://private-audience.example/predict';
    const service = await startFromSource('worker', {
      PROPS_DATA_DIR: dataDir,
      PROPS_MODEL_DIR: modelDir,
      PROPS_REQUIRE_MODELS: 'false',
      PROPS_COMPLETION_URL: completionUrl,
      PROPS_OIDC_AUDIENCE: audience,
      PROPS_OIDC_SERVICE_ACCOUNTS: 'pusher@props-test.iam.gserviceaccount.com',
    });
    running.push(service);
    const ready = await fetch(`${service.url}/health/ready`);
    const body = await ready.text();
    expect(ready.status).toBe(200);
    expect(JSON.parse(body).checks).toContainEqual({
      name: 'model catboost_v8',
      status: 'degraded',
      problem: 'fallback_served',
    });
    for (const secret of [dataDir, modelDir, 'staging', completionUrl, '127.0.0.1:9', audience, 'private'])
      expect(body).not.toContain(secret);
    const logged = service.logs.split('\n').find((line) => line.includes('"event":"readiness_degraded"'));
    expect(logged).toContain(modelDir);
  }, 120_000);
});

describe('rejected messages are capped per batch and cleaned up (issue 25, items 9 and 11)', () => {
  it('400 rejected pushes of one batch: all acknowledged, 100 stored each escaped once, the rest counted, one alert; props staging cleanup removes them once old', async () => {
    const dataDir = dataDirWith(seeded);
    // At level error the log keeps every alert (each rejection's own warning would push them out of the kept tail).
    const predictor = await startFromSource('worker', {
      PROPS_DATA_DIR: dataDir,
      PROPS_COMPLETION_URL: 'http://127.0.0.1:9/complete',
      PROPS_PUSH_AUTH: 'none',
      LOG_LEVEL: 'error',
    });
    running.push(predictor);
    const quotes = '"'.repeat(5_000);
    const rejectedPush = (index: number) => ({
      message: {
        data: Buffer.from(JSON.stringify({ batch_id: 'batch_capped', player_lookup: `p${index}` })).toString('base64'),
        messageId: `d${index}`,
        attributes: { props_message_id: `batch_capped.p${index}`, note: quotes },
      },
      subscription: 'projects/local/subscriptions/x',
    });
    const statuses = await deliver(
      predictor.url,
      Array.from({ length: 400 }, (_, index) => rejectedPush(index)),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    const folder = join(dataDir, 'rejected');
    const stored = readdirSync(folder).filter((name) => name.endsWith('.json'));
    expect(stored).toHaveLength(100);
    expect(JSON.parse(readFileSync(join(folder, 'counts', 'batch_capped.json'), 'utf8'))).toEqual({
      stored: 100,
      over_cap: 300,
    });
    // Escaped once: the 5,000 quotes take 10,000 characters in the file, not 20,000.
    const record = readFileSync(join(folder, stored[0]!), 'utf8');
    expect(record.length).toBeLessThan(15_000);
    expect(JSON.parse(record).body_json.message.attributes.note).toBe(quotes);
    const alerts = predictor.logs.split('\n').filter((line) => line.includes('"event":"rejected_messages_capped"'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('"batch":"batch_capped"');

    const cleanup = () =>
      spawnSync(process.execPath, ['tools/bin/props.cjs', 'staging', 'cleanup'], {
        cwd: resolve(import.meta.dirname, '../../..'),
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PROPS_BACKEND: 'local', PROPS_DATA_DIR: dataDir },
      });
    const fresh = cleanup();
    expect(fresh.stdout, fresh.stderr).toContain('rejected messages cleanup (files): 0 removed');
    const fifteenDaysAgo = new Date(Date.now() - 15 * 86_400_000);
    for (const name of [...stored, 'counts/batch_capped.json'])
      utimesSync(join(folder, name), fifteenDaysAgo, fifteenDaysAgo);
    const old = cleanup();
    expect(old.stdout, old.stderr).toContain('rejected messages cleanup (files): 100 removed');
    expect(readdirSync(folder).filter((name) => name.endsWith('.json'))).toEqual([]);
    expect(readdirSync(join(folder, 'counts'))).toEqual([]);
  }, 300_000);
});

describe('status bodies carry no driver text (issue 25, item 7)', () => {
  it("a consolidation failing on DuckDB's binder leaves last_error without the binder's words or the path; the log has them", async () => {
    const dataDir = dataDirWith(seeded);
    const file = join(dataDir, 'warehouse.duckdb');
    // A predictions table missing a column the merge writes (as a hand-edited or half-migrated one would).
    await withWarehouse(file, (connection) =>
      connection.run(
        'DROP INDEX nba_predictions.player_prop_predictions_key; ALTER TABLE nba_predictions.player_prop_predictions DROP COLUMN is_active',
      ),
    );
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url]);
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    await requests.waitForPlayers(started.body.players_expected);
    const predictor = await worker(dataDir, `${service.url}/complete`);
    await deliver(predictor.url, requests.received);
    const deadline = Date.now() + 120_000;
    let answer = await status(service.url, started.body.batch_id);
    while (answer.last_error === null && Date.now() < deadline) {
      await sleep(200);
      answer = await status(service.url, started.body.batch_id);
    }
    const body = await (await fetch(`${service.url}/status/${started.body.batch_id}`)).text();
    expect(answer.last_error).toMatch(/the coordinator log \(event consolidation_failed\) has the details/);
    for (const secret of ['Binder', 'is_active', dataDir]) expect(body).not.toContain(secret);
    const failure = service.logs.split('\n').find((line) => line.includes('"event":"consolidation_failed"'));
    expect(failure).toContain('Binder Error');
  }, 300_000);
});

describe('GET /status/:batchId?wait_ms= (a caller waiting for the end without polling)', () => {
  it('answers when a completion changes the batch, at its deadline when nothing does, and 400 naming wait_ms for a bad value', async () => {
    const dataDir = dataDirWith(seeded);
    const requests = await tap();
    const service = await coordinator(dataDir, [requests.url], { PROPS_STALL_SECONDS: '3600' });
    const started = await post(`${service.url}/start`, { game_date: DATE });
    expect(started.status).toBe(202);
    await requests.waitForPlayers(started.body.players_expected);
    const url = `${service.url}/status/${started.body.batch_id}`;

    for (const bad of ['abc', '-1', '1.5', '10001'])
      expect(await (await fetch(`${url}?wait_ms=${bad}`)).json(), bad).toMatchObject({ field: 'wait_ms' });
    const unchanged = BatchStatusBodySchema.parse(await (await fetch(`${url}?wait_ms=200`)).json());
    expect([unchanged.status, unchanged.players_pending]).toEqual(['running', started.body.players_expected]);

    // Ten seconds to wait; one player delivered meanwhile (the worker started first, so the wait
    // covers the delivery only). The answer comes with that change, not at the deadline (it comes
    // at the deadline if completions do not wake the waiters).
    const predictor = await worker(dataDir, `${service.url}/complete`);
    const asked = Date.now();
    const waiting = fetch(`${url}?wait_ms=10000`).then(async (response) => ({
      body: BatchStatusBodySchema.parse(await response.json()),
      afterMs: Date.now() - asked,
    }));
    expect(await deliver(predictor.url, requests.received.slice(0, 1))).toEqual([204]);
    const answer = await waiting;
    expect(answer.body.players_pending).toBe(started.body.players_expected - 1);
    expect(answer.afterMs).toBeLessThan(10_000);
  }, 300_000);
});

import fs, { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CompletionMessageSchema,
  MAX_PLAYERS_PER_MESSAGE,
  PredictionRowSchema,
  completionsOf,
  decodePushEnvelope,
  encodePushEnvelope,
  requestGroupId,
  type CompletionEvent,
  type PredictionRequest,
  type RejectedMessage,
} from '@props/contracts';
import { FEATURE_NAMES } from '@props/feature-vector';
import type { AssembledService } from '@props/service-runtime';
import { assembleWorker } from './assemble-worker';
import { fuzzedEnvelopes } from './test-support/fuzzed-envelopes';
import { boundedRequest, envelopeFor, groupEnvelopeFor, validRequest } from './test-support/valid-request';

const root = resolve(import.meta.dirname, '../../..');
let worker: AssembledService;
let receiver: FastifyInstance;
let staging: string;
let dataDir: string;
const completions: CompletionEvent[] = [];
/** Completion messages received: one per single request, one per group. */
let completionMessages = 0;
let failCompletions = 0;

beforeAll(async () => {
  receiver = fastify();
  receiver.post('/complete', async (request, reply) => {
    if (failCompletions > 0) {
      failCompletions -= 1;
      return reply.code(503).send();
    }
    completions.push(...completionsOf(decodePushEnvelope(request.body, CompletionMessageSchema).payload));
    completionMessages += 1;
    return reply.code(204).send();
  });
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  staging = mkdtempSync(join(tmpdir(), 'props-staging-'));
  dataDir = mkdtempSync(join(tmpdir(), 'props-worker-data-'));
  worker = await assembleWorker({
    PORT: '0',
    HOST: '127.0.0.1',
    PROPS_DATA_DIR: dataDir,
    PROPS_PUSH_AUTH: 'none',
    LOG_LEVEL: 'fatal',
    PROPS_MODEL_DIR: join(root, 'models'),
    PROPS_STAGING_DIR: staging,
    PROPS_COMPLETION_URL: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/complete`,
  });
  await worker.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await worker.app.close();
  await receiver.close();
});
afterEach(() => {
  completions.length = 0;
  completionMessages = 0;
  failCompletions = 0;
});

async function post(body: string | object) {
  const { port } = worker.app.server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, string>) : {} };
}

const rejections = (): RejectedMessage[] => {
  const folder = join(dataDir, 'rejected');
  return existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.json'))
        .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as RejectedMessage)
    : [];
};

/** Every rejection the store took, stored or only counted past its batch's cap. */
const rejectionsCounted = (): number => {
  const folder = join(dataDir, 'rejected', 'counts');
  return existsSync(folder)
    ? readdirSync(folder)
        .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as { stored: number; over_cap: number })
        .reduce((total, count) => total + count.stored + count.over_cap, 0)
    : 0;
};

const stagedRows = (batchId: string) =>
  readdirSync(join(staging, batchId))
    .filter((name) => name.endsWith('.ndjson'))
    .flatMap((name) =>
      readFileSync(join(staging, batchId, name), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => PredictionRowSchema.parse(JSON.parse(line))),
    );

describe('worker POST /predict', () => {
  it('stages one row per system with a model_version, publishes the completion, answers 204', async () => {
    const response = await post(envelopeFor(validRequest({ batch_id: 'batch_ok' })));
    expect(response.status).toBe(204);
    const rows = stagedRows('batch_ok');
    expect(rows.map((row) => row.system_id).sort()).toEqual([
      'catboost_v8',
      'ensemble_v1',
      'ensemble_v1_1',
      'moving_average',
      'similarity_balanced_v1',
      'xgboost_v1',
      'zone_matchup_v1',
    ]);
    expect(
      rows.every(
        (row) => row.model_version.length > 0 && row.current_points_line === 25.5 && row.has_prop_line && row.is_active,
      ),
    ).toBe(true);
    expect(completions).toMatchObject([
      {
        batch_id: 'batch_ok',
        player_lookup: 'exampleplayer',
        outcome: 'staged',
        rows_staged: 7,
        message_id: 'message-1',
      },
    ]);
  });

  it("skips a player whose stored features score under the original's floor of 50 as invalid_features: nothing staged, the completion says so, 204", async () => {
    const request = validRequest({ batch_id: 'batch_low_quality' });
    const response = await post(envelopeFor({ ...request, features: { ...request.features, quality_score: 49.5 } }));
    expect(response.status).toBe(204);
    expect(existsSync(join(staging, 'batch_low_quality'))).toBe(false);
    expect(completions.at(-1)).toMatchObject({
      batch_id: 'batch_low_quality',
      outcome: 'skipped',
      rows_staged: 0,
      skip_reason: 'invalid_features',
    });
    const atFloor = await post(
      envelopeFor({ ...request, batch_id: 'batch_at_floor', features: { ...request.features, quality_score: 50 } }),
    );
    expect(atFloor.status).toBe(204);
    expect(stagedRows('batch_at_floor')).toHaveLength(7);
  });

  it('replaces, not duplicates, the rows of a redelivered message', async () => {
    await post(envelopeFor(validRequest({ batch_id: 'batch_redelivered' }), 'same-id'));
    await post(envelopeFor(validRequest({ batch_id: 'batch_redelivered' }), 'same-id'));
    expect(stagedRows('batch_redelivered')).toHaveLength(7);
    expect(completions).toHaveLength(2);
  });

  it('replaces, not duplicates, the rows of a re-published message: a new delivery id, the same logical id', async () => {
    const request = validRequest({ batch_id: 'batch_republished' });
    await post(
      encodePushEnvelope(request, 'pubsub-id-1', 'projects/p/subscriptions/s', 1, 'batch_republished.exampleplayer'),
    );
    await post(
      encodePushEnvelope(request, 'pubsub-id-2', 'projects/p/subscriptions/s', 1, 'batch_republished.exampleplayer'),
    );
    expect(readdirSync(join(staging, 'batch_republished'))).toEqual(['batch_republished.exampleplayer.ndjson']);
    expect(stagedRows('batch_republished')).toHaveLength(7);
  });

  it('stages only valid rows for extreme but finite features: a system driven to Infinity or NaN is skipped, never staged', async () => {
    const request = validRequest({ batch_id: 'batch_extreme' });
    const values = [...request.features.values];
    values[FEATURE_NAMES.indexOf('shot_zone_mismatch_score')] = 1e307;
    values[FEATURE_NAMES.indexOf('pace_score')] = -1e307;
    const response = await post(envelopeFor({ ...request, features: { ...request.features, values } }));
    expect(response.status).toBe(204);
    const rows = stagedRows('batch_extreme'); // parses every staged row with the row schema
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => Number.isFinite(row.predicted_points) && Number.isFinite(row.confidence_score))).toBe(
      true,
    );
  });

  it('writes NO_LINE rows for a player without a line', async () => {
    expect((await post(envelopeFor(validRequest({ batch_id: 'batch_no_line', line_values: [] })))).status).toBe(204);
    expect(new Set(stagedRows('batch_no_line').map((row) => row.recommendation))).toEqual(new Set(['NO_LINE']));
  });

  it('answers 503 (transient) when the completion cannot be published, and a retry then stages exactly one set', async () => {
    failCompletions = 5;
    const first = await post(envelopeFor(validRequest({ batch_id: 'batch_transient' }), 'retried'));
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ error: 'transient failure, retry', code: 'completion_publish_failed' });
    const second = await post(envelopeFor(validRequest({ batch_id: 'batch_transient' }), 'retried'));
    expect(second.status).toBe(204);
    expect(stagedRows('batch_transient')).toHaveLength(7);
    expect(completions).toHaveLength(1);
  }, 30_000);

  it.each([
    ['an empty object', {}, 'message'],
    ['a message without data', { message: { messageId: 'm' } }, 'message.data'],
    [
      'data that is not JSON',
      { message: { data: Buffer.from('nope').toString('base64'), messageId: 'm' } },
      'message.data',
    ],
    [
      'a payload without player_lookup',
      envelopeFor({ ...validRequest(), player_lookup: undefined }),
      'message.data.player_lookup',
    ],
    ['a bad game_date', envelopeFor({ ...validRequest(), game_date: '2025-02-30' }), 'message.data.game_date'],
    ['a negative line', envelopeFor({ ...validRequest(), line_values: [-2] }), 'message.data.line_values.0'],
    [
      'negative minutes in the history',
      envelopeFor({ ...validRequest(), history: [{ ...validRequest().history[0]!, minutes: -3 }] }),
      'message.data.history.0.minutes',
    ],
    [
      'a wrong feature_version',
      envelopeFor({ ...validRequest(), features: { ...validRequest().features, feature_version: 'v1_25features' } }),
      'message.data.features.feature_version',
    ],
    [
      '32 features',
      envelopeFor({
        ...validRequest(),
        features: { ...validRequest().features, values: validRequest().features.values.slice(1) },
      }),
      'message.data.features.values',
    ],
  ])(
    'acknowledges %s with 200 naming the field, records it for replay, stages nothing',
    async (_label, body, field) => {
      const before = rejections().length;
      const response = await post(body);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ acknowledged: true, rejected: { field } });
      const recorded = rejections().slice(before);
      expect(recorded).toHaveLength(1);
      // The body is kept as JSON (escaped once), to replay as it came.
      expect(recorded[0]).toMatchObject({ service: 'worker', field, body_json: body });
      expect(completions).toHaveLength(0);
    },
  );

  it.each([
    [
      '61 history games (the coordinator sends at most 30)',
      { history: Array.from({ length: 61 }, () => validRequest().history[0]!) },
      'message.data.history',
    ],
    [
      'a history newest first (the contract and the similarity system read it oldest first)',
      { history: [...validRequest().history].reverse() },
      'message.data.history.1.game_date',
    ],
    ['a 65-character sportsbook', { sportsbook: 'x'.repeat(65) }, 'message.data.sportsbook'],
    ['a 65-character dataset_prefix', { dataset_prefix: 'p'.repeat(65) }, 'message.data.dataset_prefix'],
  ])('acknowledges and records %s as a rejection naming the field', async (_label, change, field) => {
    const response = await post(envelopeFor({ ...validRequest({ batch_id: 'batch_bounds' }), ...change }));
    expect(response).toMatchObject({ status: 200, body: { rejected: { field } } });
    expect(existsSync(join(staging, 'batch_bounds'))).toBe(false);
  });

  it('refuses a body over 2.5 MB (a 20,000-game history, a 3.7 MB sportsbook) with 413 at once, and keeps serving', async () => {
    const { port } = worker.app.server.address() as AddressInfo;
    for (const change of [
      { history: Array.from({ length: 20_000 }, () => validRequest().history[0]!) },
      { sportsbook: 'x'.repeat(3_700_000) },
    ]) {
      const response = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelopeFor({ ...validRequest({ batch_id: 'batch_huge' }), ...change })),
      });
      expect(response.status).toBe(413);
    }
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(existsSync(join(staging, 'batch_huge'))).toBe(false);
  });

  it('answers 400 for a body that is not JSON at all (Pub/Sub never sends one)', async () => {
    expect((await post('{not json')).status).toBe(400);
  });

  it('reports readiness with its checks and the commit', async () => {
    const response = await worker.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { status: string; commit: string; checks: Array<{ name: string; status: string }> };
    expect(body.checks.map((check) => check.name)).toEqual([
      'configuration',
      'onnxruntime-node',
      'model catboost_v8',
      'model xgboost_v1',
    ]);
    expect(body.checks.every((check) => check.status === 'ok')).toBe(true);
    expect(body.commit).toBeTruthy();
  });
});

describe('worker POST /predict under fuzzing', () => {
  it('acknowledges 1,000 malformed or fuzzed envelopes with a field and a reason, records or counts each, never 500, stages nothing, and keeps serving', async () => {
    const before = rejectionsCounted();
    const { port } = worker.app.server.address() as AddressInfo;
    const answers: { status: number; field?: string; problem?: string; what: string }[] = [];
    for (const { body, what } of fuzzedEnvelopes(1000, 7)) {
      const response = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await response.json()) as { rejected?: { field?: string; problem?: string } };
      answers.push({ status: response.status, field: answer.rejected?.field, problem: answer.rejected?.problem, what });
    }
    const wrong = answers.filter((answer) => answer.status !== 200 || !answer.field || !answer.problem);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.field)).size).toBeGreaterThan(20);
    expect(rejectionsCounted() - before).toBe(1000);
    expect(completions).toHaveLength(0);
    expect(existsSync(join(staging, 'batch_fuzz'))).toBe(false);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await post(envelopeFor(validRequest({ batch_id: 'batch_after_fuzz' })))).status).toBe(204);
  }, 120_000);
});

describe('worker push authentication', () => {
  it('refuses push auth off on an address other machines can reach, naming both variables', async () => {
    await expect(
      assembleWorker({ LOG_LEVEL: 'fatal', PROPS_PUSH_AUTH: 'none', PROPS_MODEL_DIR: join(root, 'models') }),
    ).rejects.toThrow(
      'PROPS_PUSH_AUTH is "none": is none while HOST is not a loopback address: anyone who can reach the port could push; set HOST=127.0.0.1 with PROPS_PUSH_AUTH=none, or configure OIDC',
    );
  });

  it('needs an OIDC audience and service accounts unless the local runtime turns push auth off explicitly', async () => {
    await expect(assembleWorker({ LOG_LEVEL: 'fatal', PROPS_MODEL_DIR: join(root, 'models') })).rejects.toThrow(
      'PROPS_OIDC_AUDIENCE is missing: with PROPS_PUSH_AUTH=oidc (the default) set PROPS_OIDC_AUDIENCE and PROPS_OIDC_SERVICE_ACCOUNTS; only the local runtime may set PROPS_PUSH_AUTH=none',
    );
  });

  it('answers 401 to a push without a verified token, whatever its bearer says', async () => {
    const guarded = await assembleWorker({
      LOG_LEVEL: 'fatal',
      PROPS_MODEL_DIR: join(root, 'models'),
      PROPS_STAGING_DIR: staging,
      PROPS_OIDC_AUDIENCE: 'https://worker.example',
      PROPS_OIDC_SERVICE_ACCOUNTS: 'pusher@project.iam.gserviceaccount.com',
      PROPS_OIDC_JWKS_URL: 'http://127.0.0.1:9/certs',
    });
    for (const authorization of [undefined, 'Bearer anything', 'Basic abc']) {
      const response = await guarded.app.inject({
        method: 'POST',
        url: '/predict',
        payload: envelopeFor(validRequest({ batch_id: 'batch_unauthorized' })),
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'unauthorized', code: 'unauthorized' });
    }
    expect(existsSync(join(staging, 'batch_unauthorized'))).toBe(false);
    await guarded.app.close();
  });
});

describe('worker POST /predict, a group of players in one message', () => {
  const group = (
    batchId: string,
    players: string[],
    change: (request: PredictionRequest) => PredictionRequest = (r) => r,
  ) => players.map((player) => change(validRequest({ batch_id: batchId, player_lookup: player })));
  const stagedFiles = (batchId: string) =>
    existsSync(join(staging, batchId))
      ? readdirSync(join(staging, batchId))
          .filter((name) => name.endsWith('.ndjson'))
          .sort()
      : [];

  it("stages each player's rows under the player's own id and publishes one completion message for the group; a redelivery replaces them", async () => {
    const requests = group('batch_group', ['playera', 'playerb', 'playerc']);
    for (const delivery of ['group-delivery-1', 'group-delivery-2']) {
      completions.length = 0;
      completionMessages = 0;
      expect((await post(groupEnvelopeFor(requests, delivery))).status).toBe(204);
      expect(stagedFiles('batch_group')).toEqual([
        'batch_group.playera.ndjson',
        'batch_group.playerb.ndjson',
        'batch_group.playerc.ndjson',
      ]);
      expect(stagedRows('batch_group')).toHaveLength(21);
      expect(completionMessages).toBe(1);
      expect(completions.map((event) => [event.player_lookup, event.message_id, event.rows_staged])).toEqual([
        ['playera', 'batch_group.playera', 7],
        ['playerb', 'batch_group.playerb', 7],
        ['playerc', 'batch_group.playerc', 7],
      ]);
    }
  });

  it('logs one prediction_staged line for the group, naming its players and their rows', async () => {
    const logging = await assembleWorker({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PROPS_DATA_DIR: dataDir,
      PROPS_PUSH_AUTH: 'none',
      PROPS_MODEL_DIR: join(root, 'models'),
      PROPS_STAGING_DIR: staging,
      PROPS_COMPLETION_URL: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/complete`,
    });
    // The logger writes each line synchronously to standard output (fd 1).
    const written = vi.spyOn(fs, 'writeSync');
    try {
      const requests = group('batch_group_logged', ['playera', 'playerb', 'playerc']);
      const response = await logging.app.inject({
        method: 'POST',
        url: '/predict',
        payload: groupEnvelopeFor(requests, 'logged-delivery'),
      });
      expect(response.statusCode).toBe(204);
      const staged = written.mock.calls
        .filter(([fd]) => fd === 1)
        .flatMap(([, line]) => String(line).split('\n').filter(Boolean))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.event === 'prediction_staged');
      expect(staged).toEqual([
        expect.objectContaining({
          message_id: requestGroupId(requests),
          batch_id: 'batch_group_logged',
          player_lookup: 'playera,playerb,playerc',
          rows: 21,
          rows_per_player: { playera: 7, playerb: 7, playerc: 7 },
        }),
      ]);
    } finally {
      written.mockRestore();
      await logging.app.close();
    }
  });

  it("refuses a group without its id, or under another group's id, naming the attribute; nothing staged", async () => {
    const requests = group('batch_group_unnamed', ['playera', 'playerb']);
    const unnamed = encodePushEnvelope({ requests }, 'unnamed', 'projects/local/subscriptions/prediction-request');
    const misnamed = groupEnvelopeFor(requests, 'misnamed', 'batch_group_unnamed.playera.3');
    for (const body of [unnamed, misnamed]) {
      const response = await post(body);
      expect(response).toMatchObject({
        status: 200,
        body: { acknowledged: true, rejected: { field: 'message.attributes.props_message_id' } },
      });
    }
    expect(stagedFiles('batch_group_unnamed')).toEqual([]);
    expect(completions).toHaveLength(0);
  });

  it.each([
    [
      'two batches',
      (requests: PredictionRequest[]) => [requests[0]!, { ...requests[1]!, batch_id: 'batch_other' }],
      'message.data.requests.1.batch_id',
    ],
    [
      'one player twice',
      (requests: PredictionRequest[]) => [requests[0]!, requests[0]!],
      'message.data.requests.1.player_lookup',
    ],
    [
      'two dataset prefixes',
      (requests: PredictionRequest[]) => [requests[0]!, { ...requests[1]!, dataset_prefix: 'test' }],
      'message.data.requests.1.dataset_prefix',
    ],
    ['no request', () => [], 'message.data.requests'],
    [
      'a request with a bad game date',
      (requests: PredictionRequest[]) => [requests[0]!, { ...requests[1]!, game_date: '2025-02-30' }],
      'message.data.requests.1.game_date',
    ],
  ])('acknowledges a group with %s naming the field, records it, stages nothing', async (_label, change, field) => {
    const requests = change(group('batch_group_bad', ['playera', 'playerb']));
    const id = requests.length > 0 ? requestGroupId(requests) : 'batch_group_bad.none.0';
    const before = rejections().length;
    const response = await post(groupEnvelopeFor(requests, 'bad-group', id));
    expect(response).toMatchObject({ status: 200, body: { acknowledged: true, rejected: { field } } });
    expect(rejections().slice(before)).toMatchObject([{ service: 'worker', field }]);
    expect(stagedFiles('batch_group_bad')).toEqual([]);
    expect(completions).toHaveLength(0);
  });

  it('a player whose features the models can never use is recorded as rejected under its own id; the others in its group are staged and completed', async () => {
    const requests = group('batch_group_one_bad', ['playera', 'playerb', 'playerc']);
    requests[1] = {
      ...requests[1]!,
      features: { ...requests[1]!.features, values: requests[1]!.features.values.slice(1) },
    };
    const before = rejections().length;
    expect((await post(groupEnvelopeFor(requests, 'one-bad'))).status).toBe(204);
    expect(stagedFiles('batch_group_one_bad')).toEqual([
      'batch_group_one_bad.playera.ndjson',
      'batch_group_one_bad.playerc.ndjson',
    ]);
    expect(completions.map((event) => event.player_lookup)).toEqual(['playera', 'playerc']);
    const recorded = rejections().slice(before);
    expect(recorded).toMatchObject([
      { service: 'worker', field: 'message.data.features.values', message_id: 'batch_group_one_bad.playerb' },
    ]);
    // Kept as the player's own single message, so a replay re-sends that player alone.
    const kept = (recorded[0] as unknown as { body_json: { message: { data: string } } }).body_json;
    expect(JSON.parse(Buffer.from(kept.message.data, 'base64').toString())).toMatchObject({
      player_lookup: 'playerb',
      batch_id: 'batch_group_one_bad',
    });
  });

  it(`accepts a group of ${MAX_PLAYERS_PER_MESSAGE} players at the request's bounds (60 games, 64-character texts) within the body limit`, async () => {
    const requests = Array.from({ length: MAX_PLAYERS_PER_MESSAGE }, (_, index) =>
      boundedRequest('batch_group_max', index),
    );
    expect((await post(groupEnvelopeFor(requests, 'max-group'))).status).toBe(204);
    expect(stagedFiles('batch_group_max')).toHaveLength(MAX_PLAYERS_PER_MESSAGE);
    expect(completionMessages).toBe(1);
  }, 60_000);
});

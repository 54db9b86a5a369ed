import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_PLAYERS_PER_MESSAGE, oneOrGroup } from './one-or-group';
import { plainlyValidMessage } from './plainly-valid-request';
import { PredictionMessageSchema } from './prediction-message';
import { PredictionRequestGroupSchema, PredictionRequestSchema, type PredictionRequest } from './prediction-request';
import { probed } from './test-support/probed';

/** The schemas alone, without the plain check in front. */
const Schema = oneOrGroup(PredictionRequestSchema, 'requests', PredictionRequestGroupSchema);

const game = (date: string, points: number) => ({
  game_date: date,
  points,
  minutes: 34.5,
  opponent_team_abbr: 'BOS',
  opponent_def_rating: 112.4,
  is_home: false,
});
const request = (player = 'lebronjames'): PredictionRequest => ({
  batch_id: 'batch_2024-11-04_1',
  player_lookup: player,
  universal_player_id: `${player}_001`,
  game_id: '20241104_LAL_DET',
  game_date: '2024-11-04',
  team_abbr: 'LAL',
  opponent_team_abbr: 'DET',
  is_home: true,
  line_values: [24.5],
  line_source: 'ACTUAL_PROP',
  sportsbook: 'draftkings',
  dataset_prefix: '',
  features: { feature_version: 'v2_33features', values: [26.5, null, 0, 114], quality_score: 88 },
  history: [game('2024-10-28', 22), game('2024-10-30', 31), game('2024-11-02', 27)],
  injury: { status: 'questionable', reason: 'ankle', checked_at: '2024-11-04T15:00:00Z' },
});

/** Values a field could wrongly hold: each type, both sides of every bound the schemas set. */
const PROBES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'ab',
  'abcde',
  'LAL',
  'Lebron',
  'lebron james',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(129),
  'a'.repeat(201),
  '2024-11-03',
  '2024-11-04',
  '2024-11-05',
  '2025-02-30',
  'ACTUAL_PROP',
  'NO_LINE',
  true,
  false,
  0,
  -0.01,
  1,
  49.9,
  50,
  100,
  100.01,
  200,
  200.01,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  {},
  [],
  [1],
  [null],
  [100.5],
  [1, 2, 3, 4, 5, 6],
  Array.from({ length: 65 }, () => 1),
];

const FIELDS = [
  ...Object.keys(request()),
  'extra',
  ...['feature_version', 'values', 'quality_score', 'extra'].map((field) => `features.${field}`),
  ...Object.keys(game('2024-10-28', 1)).flatMap((field) => [`history.0.${field}`, `history.2.${field}`]),
  'history.0.extra',
  ...['status', 'reason', 'checked_at', 'extra'].map((field) => `injury.${field}`),
];

/** Each probed message the plain check passes although the schemas refuse it or would change it. */
function wronglyPassed(base: unknown, paths: readonly string[]): string[] {
  const wrong: string[] = [];
  for (const path of paths)
    for (const probe of PROBES) {
      const message = probed(base, path, structuredClone(probe));
      if (!plainlyValidMessage(message)) continue;
      const parsed = Schema.safeParse(message);
      if (!parsed.success || !isDeepStrictEqual(parsed.data, message)) wrong.push(`${path}=${JSON.stringify(probe)}`);
    }
  return wrong;
}

describe('the quick request check', () => {
  it('passes a request and a group the schemas accept unchanged, so they are not parsed', () => {
    const group = { requests: [request('playera'), request('playerb')] };
    for (const message of [request(), { ...request(), injury: null, universal_player_id: null }, group]) {
      expect(Schema.parse(message)).toStrictEqual(message);
      expect(plainlyValidMessage(message)).toBe(true);
    }
  });

  it('never passes a request the schemas refuse or change: any field set to any probe value (missing included)', () => {
    expect(wronglyPassed(request(), FIELDS)).toEqual([]);
  });

  it('never passes such a request inside a group, nor a group the schemas refuse (size, batch, date, player twice, prefix)', () => {
    const group = { requests: [request('playera'), request('playerb'), request('playerc')] };
    expect(wronglyPassed(group, [...FIELDS.map((field) => `requests.1.${field}`), 'requests', 'extra'])).toEqual([]);
    const refused = [
      { requests: [] },
      { requests: Array.from({ length: MAX_PLAYERS_PER_MESSAGE + 1 }, (_, index) => request(`player${index}`)) },
      { requests: [request('playera'), { ...request('playerb'), batch_id: 'batch_other' }] },
      { requests: [request('playera'), { ...request('playerb'), game_date: '2024-11-05' }] },
      { requests: [request('playera'), request('playera')] },
      { requests: [request('playera'), { ...request('playerb'), dataset_prefix: 'test' }] },
    ];
    for (const message of refused) {
      expect(Schema.safeParse(message).success).toBe(false);
      expect(plainlyValidMessage(message)).toBe(false);
    }
  });

  it('leaves the refusal and its message to the schemas', () => {
    const message = { requests: [request('playera'), probed(request('playerb'), 'history.2.game_date', '2024-10-29')] };
    const withCheck = PredictionMessageSchema.safeParse(message);
    expect(withCheck.success).toBe(false);
    expect(withCheck.error!.issues).toEqual(Schema.safeParse(message).error!.issues);
    expect(withCheck.error!.issues[0]!.path).toEqual(['requests', 1, 'history', 2, 'game_date']);
  });
});

import type { PredictionRequest } from '@props/contracts';
import { encodePushEnvelope, requestGroupId } from '@props/contracts';
import { FEATURE_NAMES } from '@props/feature-vector';

const EXAMPLE: Record<string, number> = {
  points_avg_last_5: 26.5,
  points_avg_last_10: 25.8,
  points_avg_season: 25,
  points_std_last_10: 4.8,
  games_in_last_7_days: 3,
  fatigue_score: 78,
  shot_zone_mismatch_score: 2,
  pace_score: 1.5,
  usage_spike_score: 0.5,
  opponent_def_rating: 114,
  opponent_pace: 100,
  home_away: 1,
  pct_paint: 0.42,
  pct_mid_range: 0.18,
  pct_three: 0.28,
  pct_free_throw: 0.12,
  team_pace: 100,
  team_off_rating: 114,
  team_win_pct: 0.55,
  vegas_points_line: 24.5,
  vegas_opening_line: 24,
  vegas_line_move: 0.5,
  has_vegas_line: 1,
  avg_points_vs_opponent: 23.5,
  games_vs_opponent: 5,
  minutes_avg_last_10: 34.2,
  ppm_avg_last_10: 0.75,
};

/** A well-formed prediction request for one player (the reference worked example). */
export function validRequest(overrides: Partial<PredictionRequest> = {}): PredictionRequest {
  const points = [22, 31, 27, 25, 19, 28, 33, 24, 26, 21, 30, 23];
  return {
    batch_id: 'batch_2025-01-30_test',
    player_lookup: 'exampleplayer',
    universal_player_id: 'exampleplayer_001',
    game_id: '20250130_BOS_LAL',
    game_date: '2025-01-30',
    team_abbr: 'LAL',
    opponent_team_abbr: 'BOS',
    is_home: true,
    line_values: [25.5],
    line_source: 'ACTUAL_PROP',
    sportsbook: 'draftkings',
    dataset_prefix: '',
    injury: null,
    features: {
      feature_version: 'v2_33features',
      values: FEATURE_NAMES.map((name) => EXAMPLE[name] ?? 0),
      quality_score: 88,
    },
    history: points.map((value, index) => ({
      game_date: new Date(Date.UTC(2025, 0, 6 + index * 2)).toISOString().slice(0, 10),
      points: value,
      minutes: 34,
      opponent_team_abbr: 'MIA',
      opponent_def_rating: 112,
      is_home: true,
    })),
    ...overrides,
  };
}

export const envelopeFor = (request: unknown, messageId = 'message-1') =>
  encodePushEnvelope(request, messageId, 'projects/local/subscriptions/prediction-request');

/** A group message of `requests`, under the group's own logical id unless told another. */
export function groupEnvelopeFor(
  requests: PredictionRequest[],
  deliveryId: string,
  logicalId = requestGroupId(requests),
) {
  return encodePushEnvelope({ requests }, deliveryId, 'projects/local/subscriptions/prediction-request', 1, logicalId);
}

/** A request at the contract's bounds: 60 earlier games and every free text at 64 characters. */
export function boundedRequest(batchId: string, index: number): PredictionRequest {
  const text = (seed: string) => seed.repeat(64).slice(0, 64);
  return validRequest({
    batch_id: batchId,
    player_lookup: `player${String(index).padStart(2, '0')}${'x'.repeat(56)}`,
    universal_player_id: text('u'),
    sportsbook: text('s'),
    game_id: text('g'),
    history: Array.from({ length: 60 }, (_, game) => ({
      game_date: new Date(Date.UTC(2024, 9, 1 + game * 2)).toISOString().slice(0, 10),
      points: 22.5 + game,
      minutes: 34.25,
      opponent_team_abbr: 'MIA',
      opponent_def_rating: 112.75,
      is_home: game % 2 === 0,
    })),
  });
}

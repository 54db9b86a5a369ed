import type { HistoricalGame } from '@props/contracts';
import { FEATURE_NAMES, FeatureVector, type FeatureName } from '@props/feature-vector';
import type { PredictionInput } from '../systems/prediction-system';

/** The original's worked example (reference §2.9), on the store's scales. */
export const WORKED_EXAMPLE_FEATURES: Partial<Record<FeatureName, number>> = {
  points_avg_last_5: 26.5,
  points_avg_last_10: 25.8,
  points_avg_season: 25.0,
  points_std_last_10: 4.8,
  games_in_last_7_days: 3,
  fatigue_score: 78,
  shot_zone_mismatch_score: 2.0,
  pace_score: 1.5,
  usage_spike_score: 0.5,
  rest_advantage: 0,
  injury_risk: 0,
  recent_trend: 0,
  minutes_change: 0,
  opponent_def_rating: 114,
  opponent_pace: 100,
  home_away: 1,
  back_to_back: 0,
  playoff_game: 0,
  pct_paint: 0.42,
  pct_mid_range: 0.18,
  pct_three: 0.28,
  pct_free_throw: 0.12,
  team_pace: 100,
  team_off_rating: 114,
  team_win_pct: 0.55,
  vegas_points_line: 24.5,
  vegas_opening_line: 24.0,
  vegas_line_move: 0.5,
  has_vegas_line: 1,
  avg_points_vs_opponent: 23.5,
  games_vs_opponent: 5,
  minutes_avg_last_10: 34.2,
  ppm_avg_last_10: 0.75,
};

export function featureVector(
  values: Partial<Record<FeatureName, number | null>>,
  quality = 88,
  version = 'v2_33features',
): FeatureVector {
  return new FeatureVector(
    FEATURE_NAMES.map((name) => values[name] ?? null),
    version,
    quality,
  );
}

/** Twelve earlier games, every other day, home, against average defences (the example's history). */
export function exampleHistory(gameDate = '2025-01-30'): HistoricalGame[] {
  const points = [22, 31, 27, 25, 19, 28, 33, 24, 26, 21, 30, 23];
  const start = Date.parse(gameDate) - points.length * 2 * 86_400_000;
  return points.map((value, index) => ({
    game_date: new Date(start + index * 2 * 86_400_000).toISOString().slice(0, 10),
    points: value,
    minutes: 34,
    opponent_team_abbr: 'BOS',
    opponent_def_rating: 112,
    is_home: true,
  }));
}

export function exampleInput(overrides: Partial<PredictionInput> = {}): PredictionInput {
  return {
    playerLookup: 'exampleplayer',
    gameDate: '2025-01-30',
    isHome: true,
    features: featureVector(WORKED_EXAMPLE_FEATURES),
    history: exampleHistory(),
    line: 25.5,
    ...overrides,
  };
}

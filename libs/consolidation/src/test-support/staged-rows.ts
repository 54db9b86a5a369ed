import type { PredictionRow } from '@props/contracts';

const SYSTEMS = [
  'moving_average',
  'zone_matchup_v1',
  'similarity_balanced_v1',
  'catboost_v8',
  'xgboost_v1',
  'ensemble_v1',
];

/** Six rows (one per system) for one player's message. */
export function rowsFor(
  player: string,
  messageId: string,
  options: { gameDate?: string; line?: number | null; predicted?: number; createdAt?: string; batchId?: string } = {},
): PredictionRow[] {
  return SYSTEMS.map((systemId, index) => {
    const line = options.line === undefined ? 20.5 : options.line;
    return {
      prediction_id: `${messageId}-${systemId}-${options.createdAt ?? 'a'}`,
      system_id: systemId,
      player_lookup: player,
      universal_player_id: `${player}_001`,
      game_date: options.gameDate ?? '2025-01-15',
      game_id: `20250115_${player.slice(0, 3).toUpperCase()}_BOS`,
      prediction_version: 1,
      predicted_points: (options.predicted ?? 20) + index / 10,
      confidence_score: 0.6,
      recommendation: 'PASS',
      current_points_line: line,
      line_margin: 0.1,
      has_prop_line: line !== null,
      line_source: line === null ? 'NO_LINE' : 'ACTUAL_PROP',
      line_source_api: line === null ? null : 'ODDS_API',
      sportsbook: 'DRAFTKINGS',
      estimated_line_value: null,
      pace_adjustment: null,
      similar_games_count: null,
      key_factors: null,
      is_actionable: true,
      filter_reason: null,
      model_version: `${systemId}_v1`,
      scoring_tier: null,
      adjusted_points: null,
      injury_status_at_prediction: null,
      injury_flag_at_prediction: null,
      injury_reason_at_prediction: null,
      injury_checked_at: null,
      is_active: true,
      created_at: options.createdAt ?? '2025-01-15T12:00:00.000Z',
      batch_id: options.batchId ?? 'batch_test',
      message_id: messageId,
      feature_quality_score: 80,
      is_fallback: false,
      details: '{}',
    };
  });
}

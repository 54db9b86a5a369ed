import type { PredictionRow } from '@props/contracts';

const SYSTEMS = ['moving_average', 'zone_matchup_v1', 'similarity_balanced_v1', 'catboost_v8', 'xgboost_v1', 'ensemble_v1'];

/** Six rows (one per system) for one player's message. */
export function rowsFor(player: string, messageId: string, options: { gameDate?: string; line?: number | null; predicted?: number; createdAt?: string; batchId?: string } = {}): PredictionRow[] {
  return SYSTEMS.map((systemId, index) => ({
    prediction_id: `${messageId}-${systemId}-${options.createdAt ?? 'a'}`,
    batch_id: options.batchId ?? 'batch_test',
    message_id: messageId,
    system_id: systemId,
    model_version: `${systemId}_v1`,
    player_lookup: player,
    game_id: `20250115_${player.slice(0, 3).toUpperCase()}_BOS`,
    game_date: options.gameDate ?? '2025-01-15',
    line: options.line === undefined ? 20.5 : options.line,
    line_source: 'ACTUAL_PROP',
    sportsbook: 'draftkings',
    predicted_points: (options.predicted ?? 20) + index / 10,
    confidence_score: 0.6,
    recommendation: 'PASS',
    line_margin: 0.1,
    is_actionable: false,
    filter_reason: null,
    feature_quality_score: 80,
    is_fallback: false,
    details: '{}',
    created_at: options.createdAt ?? '2025-01-15T12:00:00.000Z',
  }));
}

import { randomUUID } from 'node:crypto';
import { SYSTEM_IDS, checkedPredictionRow, type PredictionRequest, type PredictionRow } from '@props/contracts';
import { roundHalfEven } from '../python-round';
import { isPrediction, type SystemOutcome, type SystemPrediction } from '../systems/prediction-system';

/** The original's shadow filter (v3.4): the 0.88-0.90 confidence tier is tracked but not actionable. */
const FILTERED_TIER = { low: 0.88, high: 0.9, reason: 'confidence_tier_88_90' };

export interface FormedRows {
  rows: PredictionRow[];
  /** Systems whose output could not make a valid row (not finite, out of range): skipped, never staged. */
  invalid: Array<{ systemId: string; reason: string }>;
}

/**
 * Output rows for one request and one line: one per system that predicted, never one per skip.
 * Every row is checked against the row schema before it can be staged: extreme but finite features
 * can drive a system to Infinity or NaN, and such a row must not reach (and block) consolidation.
 */
export function formPredictionRows(
  request: PredictionRequest,
  messageId: string,
  line: number | null,
  outcomes: readonly SystemOutcome[],
  createdAt: string,
): FormedRows {
  const formed: FormedRows = { rows: [], invalid: [] };
  for (const row of outcomes
    .filter(isPrediction)
    .map((prediction) => toRow(request, messageId, line, prediction, createdAt))) {
    const checked = checkedPredictionRow(row);
    if (checked.success) formed.rows.push(row);
    else
      formed.invalid.push({
        systemId: row.system_id,
        reason: `invalid output: ${checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
      });
  }
  return formed;
}

/** Statuses the original flags at prediction time (`injury_filter.py`: out skips, doubtful/questionable warn). */
const FLAGGED_INJURY_STATUSES = new Set(['OUT', 'DOUBTFUL', 'QUESTIONABLE']);

function toRow(
  request: PredictionRequest,
  messageId: string,
  line: number | null,
  prediction: SystemPrediction,
  createdAt: string,
): PredictionRow {
  const predicted = roundHalfEven(prediction.predictedPoints, 1);
  // Two decimals, as the original stored it (round(normalize_confidence(conf), 2)). The tier is
  // read from the stored value, so a row's confidence_score and is_actionable never disagree (the
  // original read the unrounded one: 0.8795 was stored as 0.88 yet actionable).
  const confidence = roundHalfEven(prediction.confidence, 2);
  const filtered = confidence >= FILTERED_TIER.low && confidence < FILTERED_TIER.high;
  const injuryStatus = request.injury ? request.injury.status.toUpperCase() : null;
  const similarity =
    prediction.systemId === SYSTEM_IDS.similarity
      ? (prediction.details as { similar_games_count?: number; adjustments?: { pace?: number } })
      : null;
  const hasPropLine = line !== null && request.line_source === 'ACTUAL_PROP';
  // As the original's formatter (worker.py:1315): against an estimated line the recommendation
  // is the side of the line, whatever the system's thresholds said; it is graded apart (line_source).
  const recommendation =
    line === null || hasPropLine
      ? prediction.recommendation
      : prediction.predictedPoints > roundHalfEven(line, 1)
        ? 'OVER'
        : prediction.predictedPoints < roundHalfEven(line, 1)
          ? 'UNDER'
          : 'PASS';
  return {
    prediction_id: randomUUID(),
    system_id: prediction.systemId,
    player_lookup: request.player_lookup,
    universal_player_id: request.universal_player_id,
    game_date: request.game_date,
    game_id: request.game_id,
    prediction_version: 1,
    predicted_points: predicted,
    confidence_score: confidence,
    recommendation,
    current_points_line: line === null ? null : roundHalfEven(line, 1),
    line_margin: line === null ? null : roundHalfEven(prediction.predictedPoints - line, 2),
    has_prop_line: hasPropLine,
    line_source: line === null ? 'NO_LINE' : request.line_source,
    line_source_api: hasPropLine ? 'ODDS_API' : null,
    sportsbook: request.sportsbook,
    estimated_line_value: line !== null && request.line_source === 'ESTIMATED_AVG' ? roundHalfEven(line, 1) : null,
    pace_adjustment: similarity?.adjustments?.pace ?? null,
    similar_games_count: similarity?.similar_games_count ?? null,
    key_factors: null,
    // FALSE only for the filtered tier: the health alert counts is_actionable = FALSE as "filtered".
    is_actionable: !filtered,
    filter_reason: filtered ? FILTERED_TIER.reason : null,
    model_version: prediction.modelVersion,
    scoring_tier: null,
    adjusted_points: null,
    injury_status_at_prediction: injuryStatus,
    injury_flag_at_prediction: request.injury ? FLAGGED_INJURY_STATUSES.has(injuryStatus!) : null,
    injury_reason_at_prediction: request.injury?.reason ?? null,
    injury_checked_at: request.injury?.checked_at ?? null,
    is_active: true,
    created_at: createdAt,
    batch_id: request.batch_id,
    message_id: messageId,
    feature_quality_score: request.features.quality_score,
    is_fallback: prediction.details.fallback === true,
    details: JSON.stringify(prediction.details),
  };
}

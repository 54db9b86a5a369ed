import { randomUUID } from 'node:crypto';
import { PredictionRowSchema, type PredictionRequest, type PredictionRow } from '@props/contracts';
import { isPrediction, roundHalfEven, type SystemOutcome, type SystemPrediction } from '@props/models';

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
export function formPredictionRows(request: PredictionRequest, messageId: string, line: number | null, outcomes: readonly SystemOutcome[], createdAt: string): FormedRows {
  const formed: FormedRows = { rows: [], invalid: [] };
  for (const row of outcomes.filter(isPrediction).map((prediction) => toRow(request, messageId, line, prediction, createdAt))) {
    const checked = PredictionRowSchema.safeParse(row);
    if (checked.success) formed.rows.push(row);
    else formed.invalid.push({ systemId: row.system_id, reason: `invalid output: ${checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}` });
  }
  return formed;
}

function toRow(request: PredictionRequest, messageId: string, line: number | null, prediction: SystemPrediction, createdAt: string): PredictionRow {
  const predicted = roundHalfEven(prediction.predictedPoints, 1);
  const filtered = prediction.confidence >= FILTERED_TIER.low && prediction.confidence < FILTERED_TIER.high;
  return {
    prediction_id: randomUUID(),
    batch_id: request.batch_id,
    message_id: messageId,
    system_id: prediction.systemId,
    model_version: prediction.modelVersion,
    player_lookup: request.player_lookup,
    game_id: request.game_id,
    game_date: request.game_date,
    line: line === null ? null : roundHalfEven(line, 1),
    line_source: line === null ? 'NO_LINE' : request.line_source,
    sportsbook: request.sportsbook,
    predicted_points: predicted,
    confidence_score: roundHalfEven(prediction.confidence, 4),
    recommendation: prediction.recommendation,
    line_margin: line === null ? null : roundHalfEven(prediction.predictedPoints - line, 2),
    is_actionable: !filtered && (prediction.recommendation === 'OVER' || prediction.recommendation === 'UNDER'),
    filter_reason: filtered ? FILTERED_TIER.reason : null,
    feature_quality_score: request.features.quality_score,
    is_fallback: prediction.details.fallback === true,
    details: JSON.stringify(prediction.details),
    created_at: createdAt,
  };
}

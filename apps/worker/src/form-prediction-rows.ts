import { randomUUID } from 'node:crypto';
import type { PredictionRequest, PredictionRow } from '@props/contracts';
import { isPrediction, roundHalfEven, type SystemOutcome } from '@props/models';

/** The original's shadow filter (v3.4): the 0.88-0.90 confidence tier is tracked but not actionable. */
const FILTERED_TIER = { low: 0.88, high: 0.9, reason: 'confidence_tier_88_90' };

/** Output rows for one request and one line: one per system that predicted, never one per skip. */
export function formPredictionRows(request: PredictionRequest, messageId: string, line: number | null, outcomes: readonly SystemOutcome[], createdAt: string): PredictionRow[] {
  return outcomes.filter(isPrediction).map((prediction) => {
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
  });
}

import type { FeatureVector } from '@props/feature-vector';
import { roundHalfEven } from '../python-round';
import type { SystemPrediction } from './prediction-system';

export const FALLBACK_MODEL_VERSION = 'fallback_weighted_average_v1';

/**
 * What a model-backed system answers when its model cannot be used: the original's weighted
 * average at confidence 0.50 and no play. It is never silent: the row says fallback and why, its
 * model_version says so too, and the caller reports the event.
 */
export function weightedAverageFallback(
  systemId: string,
  features: FeatureVector,
  line: number | null,
  reason: string,
): SystemPrediction {
  const predicted = roundHalfEven(
    0.4 * features.get('points_avg_last_5') +
      0.35 * features.get('points_avg_last_10') +
      0.25 * features.get('points_avg_season'),
    2,
  );
  return {
    systemId,
    modelVersion: FALLBACK_MODEL_VERSION,
    predictedPoints: predicted,
    confidence: 0.5,
    recommendation: line === null ? 'NO_LINE' : 'PASS',
    details: { fallback: true, fallback_reason: reason },
  };
}

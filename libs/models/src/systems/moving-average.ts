import { SYSTEM_IDS } from '@props/contracts';
import { clamp } from '../python-round';
import { fatiguePenalty, heuristicConfidence, heuristicRecommendation } from './heuristic-confidence';
import type { PredictionInput, PredictionSystem, SystemOutcome } from './prediction-system';

/** `moving_average`: weighted recent scoring plus small context adjustments. */
export class MovingAverageSystem implements PredictionSystem {
  readonly systemId = SYSTEM_IDS.movingAverage;
  readonly modelVersion = 'moving_average_v1';

  async predictBatch(inputs: readonly PredictionInput[]): Promise<SystemOutcome[]> {
    return inputs.map((input) => this.predict(input));
  }

  predict({ features, line }: PredictionInput): SystemOutcome {
    const base =
      0.5 * features.get('points_avg_last_5') +
      0.3 * features.get('points_avg_last_10') +
      0.2 * features.get('points_avg_season');
    const adjustments = {
      fatigue: fatiguePenalty(features.get('fatigue_score'), -2.5, -1.0),
      matchup: 0.3 * features.get('shot_zone_mismatch_score'),
      back_to_back: features.get('back_to_back') === 1 ? -1.5 : 0,
      pace: 0.3 * features.get('pace_score'),
      venue: features.get('home_away') === 1 ? 0.5 : -0.5,
      usage: 0.4 * features.get('usage_spike_score'),
    };
    const predicted = clamp(base + Object.values(adjustments).reduce((sum, value) => sum + value, 0), 0, 60);
    const confidence = heuristicConfidence(features);
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence,
      recommendation: heuristicRecommendation(predicted, line, confidence),
      details: { base, adjustments },
    };
  }
}

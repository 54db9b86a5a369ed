import { SYSTEM_IDS } from '@props/contracts';
import type { FeatureName } from '@props/feature-vector';
import { clamp } from '../python-round';
import { fatiguePenalty, heuristicConfidence, heuristicRecommendation } from './heuristic-confidence';
import type { PredictionInput, PredictionSystem, SystemOutcome } from './prediction-system';

const ZONES: ReadonlyArray<{ zone: string; share: FeatureName; multiplier: number }> = [
  { zone: 'paint', share: 'pct_paint', multiplier: 1.2 },
  { zone: 'mid_range', share: 'pct_mid_range', multiplier: 1.0 },
  { zone: 'three', share: 'pct_three', multiplier: 1.1 },
  { zone: 'free_throw', share: 'pct_free_throw', multiplier: 0.8 },
];

/**
 * `zone_matchup_v1`: season average plus a shot-zone term against the opponent's defence. The
 * defence term is (rating − 110): a weaker defence (higher rating) raises the prediction, as in
 * the original at 0c82ae50 (a7a8fb83 had the sign inverted).
 */
export class ZoneMatchupSystem implements PredictionSystem {
  readonly systemId = SYSTEM_IDS.zoneMatchup;
  readonly modelVersion = SYSTEM_IDS.zoneMatchup;

  async predictBatch(inputs: readonly PredictionInput[]): Promise<SystemOutcome[]> {
    return inputs.map((input) => this.predict(input));
  }

  predict({ features, line }: PredictionInput): SystemOutcome {
    const rating = features.get('opponent_def_rating');
    const zones = Object.fromEntries(
      ZONES.map(({ zone, share, multiplier }) => {
        const score = clamp((rating - 110) * 0.3 * multiplier, -3, 3);
        const usage = features.get(share);
        const weight = usage >= 0.4 ? 1.0 : usage >= 0.2 ? 0.7 : 0.4;
        return [zone, score * weight];
      }),
    );
    const zoneTerm = Object.values(zones).reduce((sum, value) => sum + value, 0);
    const context = {
      pace: 0.4 * features.get('pace_score'),
      venue: features.get('home_away') === 1 ? 0.8 : -0.8,
      fatigue: fatiguePenalty(features.get('fatigue_score'), -1.5, -0.8),
    };
    const base = features.get('points_avg_season');
    const predicted = clamp(base + zoneTerm + context.pace + context.venue + context.fatigue, 0, 60);
    const confidence = heuristicConfidence(features);
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence,
      recommendation: heuristicRecommendation(predicted, line, confidence),
      details: { base, zone_term: zoneTerm, zones, context },
    };
  }
}

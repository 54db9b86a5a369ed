import type { FeatureVector } from '@props/feature-vector';
import { clamp } from '../python-round';
import type { Recommendation } from './prediction-system';

/** Moving average and zone matchup share the original's 0.5-based confidence (0.2-0.8). */
export function heuristicConfidence(features: FeatureVector): number {
  let confidence = 0.5;
  const spread = features.get('points_std_last_10');
  if (spread > 6) confidence -= 0.15;
  else if (spread > 4) confidence -= 0.08;
  const recentGames = Math.trunc(features.get('games_in_last_7_days'));
  if (recentGames >= 3) confidence += 0.1;
  else if (recentGames >= 2) confidence += 0.05;
  else confidence -= 0.1;
  return clamp(confidence, 0.2, 0.8);
}

/** The shared rule: a play needs |edge| above 2 points and confidence above 0.45. */
export function heuristicRecommendation(predicted: number, line: number | null, confidence: number): Recommendation {
  if (line === null) return 'NO_LINE';
  if (Math.abs(predicted - line) <= 2 || confidence <= 0.45) return 'PASS';
  return predicted > line ? 'OVER' : 'UNDER';
}

/**
 * Fatigue penalty, read the right way round: in the store a high fatigue_score means well rested
 * (the original penalised scores above 70/50, i.e. the best rested players). The penalty now
 * applies below the mirrored thresholds 30 and 50.
 */
export function fatiguePenalty(fatigueScore: number, severe: number, mild: number): number {
  if (fatigueScore < 30) return severe;
  if (fatigueScore < 50) return mild;
  return 0;
}

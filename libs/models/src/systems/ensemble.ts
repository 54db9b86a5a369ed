import { SYSTEM_IDS } from '@props/contracts';
import { clamp, populationStd } from '../python-round';
import {
  isPrediction,
  type PredictionInput,
  type Recommendation,
  type SystemOutcome,
  type SystemPrediction,
} from './prediction-system';

export const ENSEMBLE_COMPONENTS = [
  SYSTEM_IDS.movingAverage,
  SYSTEM_IDS.zoneMatchup,
  SYSTEM_IDS.similarity,
  SYSTEM_IDS.catboostV8,
] as const;

function agreement(spread: number): { type: string; percentage: number } {
  if (spread < 2) return { type: 'high', percentage: 95 };
  if (spread < 3) return { type: 'good', percentage: 85 };
  if (spread < 6) return { type: 'moderate', percentage: 70 };
  return { type: 'low', percentage: Math.max(50, 100 - 5 * spread) };
}

/**
 * `ensemble_v1`: confidence-weighted over the components' valid outputs (a CatBoost fallback
 * counts, as in the original). With fewer than two it writes no row (the original wrote 0.0).
 */
export class EnsembleSystem {
  readonly systemId = SYSTEM_IDS.ensemble;
  readonly modelVersion = SYSTEM_IDS.ensemble;

  combine(input: PredictionInput, outcomes: readonly SystemOutcome[]): SystemOutcome {
    const components = outcomes
      .filter(isPrediction)
      .filter((outcome) => (ENSEMBLE_COMPONENTS as readonly string[]).includes(outcome.systemId));
    if (components.length < 2)
      return {
        systemId: this.systemId,
        skipped: `insufficient valid component predictions (${components.length}, need 2)`,
      };
    const confidences = components.map((component) => component.confidence * 100);
    const totalConfidence = confidences.reduce((sum, value) => sum + value, 0);
    const predicted = clamp(
      totalConfidence === 0
        ? 0
        : components.reduce((sum, component, index) => sum + component.predictedPoints * confidences[index]!, 0) /
            totalConfidence,
      0,
      60,
    );
    const spread = populationStd(components.map((component) => component.predictedPoints));
    let confidence = totalConfidence / components.length;
    confidence += spread < 2 ? 10 : spread < 3 ? 5 : spread < 6 ? -5 : -10;
    if (components.length === ENSEMBLE_COMPONENTS.length) confidence += 5;
    confidence = clamp(confidence, 20, 95);
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence: confidence / 100,
      recommendation: this.recommend(predicted, input.line, confidence, components),
      details: {
        systems_used: components.map((component) => component.systemId),
        agreement: {
          ...agreement(spread),
          std: spread,
          min: Math.min(...components.map((c) => c.predictedPoints)),
          max: Math.max(...components.map((c) => c.predictedPoints)),
        },
        components: components.map((component) => ({
          system_id: component.systemId,
          predicted_points: component.predictedPoints,
          confidence: component.confidence,
          recommendation: component.recommendation,
        })),
      },
    };
  }

  private recommend(
    predicted: number,
    line: number | null,
    confidence: number,
    components: readonly SystemPrediction[],
  ): Recommendation {
    if (line === null) return 'NO_LINE';
    if (confidence < 65 || Math.abs(predicted - line) < 1.5) return 'PASS';
    const overs = components.filter((component) => component.recommendation === 'OVER').length;
    const unders = components.filter((component) => component.recommendation === 'UNDER').length;
    if (overs > components.length / 2) return 'OVER';
    if (unders > components.length / 2) return 'UNDER';
    return predicted > line ? 'OVER' : 'UNDER';
  }
}

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

/** Both ensembles' rule: no play under 65 or within 1.5 points; else the components' majority, else the side of the line. */
function recommendByVotes(
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

/**
 * `ensemble_v1`: confidence-weighted over the components' valid outputs (a CatBoost fallback
 * counts, as in the original). With fewer than two it writes no row (the original wrote 0.0).
 */
/** Both ensembles' confidence (0-100): the components' mean, moved by how far they agree, plus 5 when all answered. */
function ensembleConfidence(meanConfidence: number, spread: number, allAnswered: boolean): number {
  const agreementBonus = spread < 2 ? 10 : spread < 3 ? 5 : spread < 6 ? -5 : -10;
  return clamp(meanConfidence + agreementBonus + (allAnswered ? 5 : 0), 20, 95);
}

/** What both ensembles record of their inputs: how far the components agree, and each one's answer. */
function agreementDetails(components: readonly SystemPrediction[], spread: number) {
  return {
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
  };
}

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
    const confidence = ensembleConfidence(
      totalConfidence / components.length,
      spread,
      components.length === ENSEMBLE_COMPONENTS.length,
    );
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence: confidence / 100,
      recommendation: recommendByVotes(predicted, input.line, confidence, components),
      details: {
        systems_used: components.map((component) => component.systemId),
        ...agreementDetails(components, spread),
      },
    };
  }
}

/**
 * `ensemble_v1_1` (the original's EnsembleV1_1, live at 0c82ae50): fixed performance weights
 * instead of confidence weights, over five components. XGBoost has weight 0 but, as in the
 * original, still counts in the confidence, the agreement, the five-system bonus and the votes.
 */
export const ENSEMBLE_V1_1_WEIGHTS: Readonly<Record<string, number>> = {
  [SYSTEM_IDS.movingAverage]: 0.2,
  [SYSTEM_IDS.zoneMatchup]: 0.1,
  [SYSTEM_IDS.similarity]: 0.25,
  [SYSTEM_IDS.xgboost]: 0,
  [SYSTEM_IDS.catboostV8]: 0.45,
};
/** The original's order of the five components (its predictions list). */
const ENSEMBLE_V1_1_COMPONENTS = [
  SYSTEM_IDS.movingAverage,
  SYSTEM_IDS.zoneMatchup,
  SYSTEM_IDS.similarity,
  SYSTEM_IDS.xgboost,
  SYSTEM_IDS.catboostV8,
] as const;

export class EnsembleV1_1System {
  readonly systemId = SYSTEM_IDS.ensembleV1_1;
  readonly modelVersion = SYSTEM_IDS.ensembleV1_1;

  combine(input: PredictionInput, outcomes: readonly SystemOutcome[]): SystemOutcome {
    const predictions = outcomes.filter(isPrediction);
    const components = ENSEMBLE_V1_1_COMPONENTS.flatMap((systemId) =>
      predictions.filter((outcome) => outcome.systemId === systemId),
    );
    if (components.length < 2)
      return {
        systemId: this.systemId,
        skipped: `insufficient valid component predictions (${components.length}, need 2)`,
      };
    let weighted = 0;
    let totalWeight = 0;
    for (const component of components) {
      const weight = ENSEMBLE_V1_1_WEIGHTS[component.systemId] ?? 0;
      if (weight > 0) {
        weighted += component.predictedPoints * weight;
        totalWeight += weight;
      }
    }
    const predicted = clamp(totalWeight > 0 ? weighted / totalWeight : 0, 0, 60);
    const confidences = components.map((component) => component.confidence * 100);
    const spread = populationStd(components.map((component) => component.predictedPoints));
    const confidence = ensembleConfidence(
      confidences.reduce((sum, value) => sum + value, 0) / confidences.length,
      spread,
      components.length === ENSEMBLE_V1_1_COMPONENTS.length,
    );
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence: confidence / 100,
      recommendation: recommendByVotes(predicted, input.line, confidence, components),
      details: {
        systems_used: components.map((component) => component.systemId),
        weights_used: Object.fromEntries(
          components.map((component) => [component.systemId, ENSEMBLE_V1_1_WEIGHTS[component.systemId] ?? 0]),
        ),
        ...agreementDetails(components, spread),
      },
    };
  }
}

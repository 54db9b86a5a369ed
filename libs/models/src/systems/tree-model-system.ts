import { SYSTEM_IDS, errorMessage } from '@props/contracts';
import { clamp } from '../python-round';
import type { ServedModel } from '../artifacts/served-model';
import type { PredictionInput, PredictionSystem, Recommendation, SystemOutcome } from './prediction-system';
import { weightedAverageFallback } from './weighted-average-fallback';

export interface FallbackEvent {
  systemId: string;
  reason: string;
  players: number;
}

export interface TreeModelRules {
  systemId: string;
  /** Confidence (0-100) before the quality and consistency factors. */
  baseConfidence: number;
  /** Points given by feature quality: [minimum quality, points], best first; below all: `qualityFloorPoints`. */
  qualityPoints: ReadonlyArray<readonly [number, number]>;
  qualityFloorPoints: number;
  /** |predicted − line| needed for a play. */
  edge: number;
}

const CONSISTENCY_POINTS: ReadonlyArray<readonly [number, number]> = [
  [4, 10],
  [6, 7],
  [8, 5],
];

/**
 * A system backed by an ONNX tree model (catboost_v8, xgboost_v1): one ONNX call for the whole
 * batch, clamp to [0, 60], confidence from feature quality and scoring consistency, and the
 * weighted-average fallback (reported through `onFallback`) when the model cannot be used.
 */
export class TreeModelSystem implements PredictionSystem {
  readonly systemId: string;
  readonly modelVersion: string;

  constructor(
    private readonly rules: TreeModelRules,
    private readonly model: ServedModel,
    private readonly onFallback: (event: FallbackEvent) => void,
  ) {
    this.systemId = rules.systemId;
    this.modelVersion = model.modelVersion;
  }

  async predictBatch(inputs: readonly PredictionInput[]): Promise<SystemOutcome[]> {
    if (inputs.length === 0) return [];
    const { regressor } = this.model;
    if (!regressor) return this.fallBack(inputs, this.model.unavailableReason ?? 'model not loaded');
    let raw: number[];
    try {
      raw = await regressor.predict(inputs.map((input) => input.features.slice(regressor.featureCount)));
    } catch (error) {
      return this.fallBack(inputs, `inference failed: ${errorMessage(error)}`);
    }
    return inputs.map((input, index) => {
      const value = raw[index]!;
      if (!Number.isFinite(value)) return this.fallBack([input], `the model returned ${value}`)[0]!;
      const predicted = clamp(value, 0, 60);
      const confidence = this.confidence(input) / 100;
      return {
        systemId: this.systemId,
        modelVersion: this.model.modelVersion,
        predictedPoints: predicted,
        confidence,
        recommendation: this.recommend(predicted, input.line, confidence * 100),
        details: { model_id: this.model.modelId, raw_prediction: value, imputed_features: input.features.imputed },
      };
    });
  }

  private confidence(input: PredictionInput): number {
    const quality = input.features.qualityScore;
    const spread = input.features.get('points_std_last_10');
    const qualityPoints =
      this.rules.qualityPoints.find(([minimum]) => quality >= minimum)?.[1] ?? this.rules.qualityFloorPoints;
    const consistencyPoints = CONSISTENCY_POINTS.find(([limit]) => spread < limit)?.[1] ?? 2;
    return clamp(this.rules.baseConfidence + qualityPoints + consistencyPoints, 0, 100);
  }

  private recommend(predicted: number, line: number | null, confidence: number): Recommendation {
    if (line === null) return 'NO_LINE';
    if (confidence < 60) return 'PASS';
    const edge = predicted - line;
    return edge >= this.rules.edge ? 'OVER' : edge <= -this.rules.edge ? 'UNDER' : 'PASS';
  }

  private fallBack(inputs: readonly PredictionInput[], reason: string): SystemOutcome[] {
    this.onFallback({ systemId: this.systemId, reason, players: inputs.length });
    return inputs.map((input) => weightedAverageFallback(this.systemId, input.features, input.line, reason));
  }
}

export const CATBOOST_V8_RULES: TreeModelRules = {
  systemId: SYSTEM_IDS.catboostV8,
  baseConfidence: 75,
  qualityPoints: [
    [90, 10],
    [80, 7],
    [70, 5],
  ],
  qualityFloorPoints: 2,
  edge: 1.0,
};

export const XGBOOST_V1_RULES: TreeModelRules = {
  systemId: SYSTEM_IDS.xgboost,
  baseConfidence: 70,
  qualityPoints: [
    [90, 10],
    [80, 7],
    [70, 5],
    [60, 2],
  ],
  qualityFloorPoints: 0,
  edge: 1.5,
};

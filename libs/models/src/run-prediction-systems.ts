import { errorMessage } from '@props/contracts';
import type { ServedModel } from './artifacts/served-model';
import { validatePredictionInput } from './prediction-input-error';
import { EnsembleSystem, EnsembleV1_1System } from './systems/ensemble';
import { MovingAverageSystem } from './systems/moving-average';
import type { PredictionInput, PredictionSystem, SystemOutcome } from './systems/prediction-system';
import { SimilaritySystem } from './systems/similarity';
import { CATBOOST_V8_RULES, TreeModelSystem, XGBOOST_V1_RULES, type FallbackEvent } from './systems/tree-model-system';
import { ZoneMatchupSystem } from './systems/zone-matchup';

export interface SystemFailure {
  systemId: string;
  error: string;
}

export interface PlayerOutcomes {
  outcomes: SystemOutcome[];
  failures: SystemFailure[];
}

/** The seven systems over a slate: five in batch (ONNX models score the slate in one call), then the two ensembles. */
export class PredictionSystems {
  private readonly base: PredictionSystem[];
  private readonly ensemble = new EnsembleSystem();
  private readonly ensembleV1_1 = new EnsembleV1_1System();

  constructor(models: readonly ServedModel[], onFallback: (event: FallbackEvent) => void) {
    const model = (systemId: string) => {
      const found = models.find((candidate) => candidate.systemId === systemId);
      if (!found) throw new Error(`no served model for ${systemId}`);
      return found;
    };
    this.base = [
      new MovingAverageSystem(),
      new ZoneMatchupSystem(),
      new SimilaritySystem(),
      new TreeModelSystem(CATBOOST_V8_RULES, model('catboost_v8'), onFallback),
      new TreeModelSystem(XGBOOST_V1_RULES, model('xgboost_v1'), onFallback),
    ];
  }

  get systemIds(): string[] {
    return [...this.base.map((system) => system.systemId), this.ensemble.systemId, this.ensembleV1_1.systemId];
  }

  /** Throws PredictionInputError (naming the field) before any system runs when an input is invalid. */
  async predict(inputs: readonly PredictionInput[]): Promise<PlayerOutcomes[]> {
    inputs.forEach(validatePredictionInput);
    const results: PlayerOutcomes[] = inputs.map(() => ({ outcomes: [], failures: [] }));
    const perSystem = await Promise.all(
      this.base.map((system) =>
        system.predictBatch(inputs).then(
          (outcomes) => ({ system, outcomes, error: undefined }),
          (error: unknown) => ({
            system,
            outcomes: undefined,
            error: errorMessage(error),
          }),
        ),
      ),
    );
    for (const { system, outcomes, error } of perSystem) {
      inputs.forEach((_, index) => {
        if (outcomes) results[index]!.outcomes.push(outcomes[index]!);
        else results[index]!.failures.push({ systemId: system.systemId, error: error! });
      });
    }
    inputs.forEach((input, index) => {
      const { outcomes } = results[index]!;
      outcomes.push(this.ensemble.combine(input, outcomes), this.ensembleV1_1.combine(input, outcomes));
    });
    return results;
  }
}

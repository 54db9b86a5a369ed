import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES, FeatureVectorError } from '@props/feature-vector';
import { loadServedModels } from '../artifacts/load-served-models';
import type { ServedModel } from '../artifacts/served-model';
import { encodeTreeEnsembleOnnx } from '../conversion/onnx-tree-ensemble';
import { OnnxRegressor } from '../inference/onnx-regressor';
import { PredictionInputError } from '../prediction-input-error';
import { roundHalfEven } from '../python-round';
import { PredictionSystems } from '../run-prediction-systems';
import { WORKED_EXAMPLE_FEATURES, exampleInput, featureVector } from '../test-support/example-player';
import { isPrediction, type PredictionInput, type SystemPrediction } from './prediction-system';
import { CATBOOST_V8_RULES, TreeModelSystem, XGBOOST_V1_RULES, type FallbackEvent } from './tree-model-system';

const root = resolve(import.meta.dirname, '../../../..');
let served: ServedModel[];

beforeAll(async () => {
  served = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
});

/** A real ONNX model whose every prediction is `value` (a controllable stand-in for the trained one). */
async function constantModel(value: number): Promise<ServedModel> {
  const onnx = encodeTreeEnsembleOnnx(
    {
      featureCount: 33,
      featureNames: [...FEATURE_NAMES],
      baseValue: value,
      trees: [[{ kind: 'leaf', value: 0 }]],
      source: { format: 'catboost-cbm', note: 'constant' },
    },
    { modelVersion: 1, metadata: {} },
  );
  return {
    systemId: 'catboost_v8',
    modelId: 'constant',
    modelVersion: `constant_${value}`,
    location: 'memory',
    regressor: await OnnxRegressor.load(onnx, 33),
  };
}

async function catboostWith(model: ServedModel, input: Partial<PredictionInput> = {}): Promise<SystemPrediction> {
  const events: FallbackEvent[] = [];
  const [outcome] = await new TreeModelSystem(CATBOOST_V8_RULES, model, (event) => events.push(event)).predictBatch([
    exampleInput(input),
  ]);
  if (!outcome || !isPrediction(outcome)) throw new Error('expected a prediction');
  return outcome;
}

const byId = (outcomes: readonly unknown[], systemId: string) =>
  (outcomes as SystemPrediction[]).find((outcome) => outcome.systemId === systemId)!;

describe('the worked example (reference §2.9), recomputed with the corrections', () => {
  // Original a7a8fb83 outputs, and why each corrected value differs:
  //   MA 25.24 PASS -> 27.74 OVER: fatigue 78 means well rested, so no -2.5 penalty.
  //   ZM 21.672 UNDER -> 29.628 OVER: defence term (114 - 110) adds +3.228 instead of -3.228, no fatigue penalty.
  //   Similarity 29.19 OVER (conf 93) -> 29.07 PASS (conf 62): every past game now carries its own
  //     context (all 12 match at 100, so the baseline is the plain mean 25.75, not 25.87), and the
  //     recalibrated confidence 35 + 9 (12 games) + 12 (mean 100) + 6 (std 4.07) = 62 < 65.
  //   CatBoost: the real V8 model on the stored Vegas/opponent/minutes features (the original fed
  //     defaults), 26.6812; confidence 75 + 7 (quality 88) + 7 (std 4.8) = 89.
  //   Ensemble 26.1056 PASS -> 28.0788 OVER: weighted by confidence over MA, ZM, Sim, CatBoost;
  //     confidence mean 63.75 + 10 (std 1.15 < 2) + 5 (all four) = 78.75; 3 of 4 say OVER.
  let outcomes: SystemPrediction[];
  beforeAll(async () => {
    const systems = new PredictionSystems(served, () => {});
    const [result] = await systems.predict([exampleInput()]);
    outcomes = result!.outcomes.filter(isPrediction);
    expect(result!.failures).toEqual([]);
  });

  it('moving_average: 27.74, confidence 0.52, OVER', () => {
    const ma = byId(outcomes, 'moving_average');
    expect(ma.predictedPoints).toBeCloseTo(27.74, 10);
    expect(ma.confidence).toBeCloseTo(0.52, 10);
    expect(ma.recommendation).toBe('OVER');
  });

  it('zone_matchup_v1: 29.628 with a +3.228 zone term, OVER', () => {
    const zm = byId(outcomes, 'zone_matchup_v1');
    expect(zm.predictedPoints).toBeCloseTo(29.628, 10);
    expect(zm.details.zone_term).toBeCloseTo(3.228, 10);
    expect(zm.recommendation).toBe('OVER');
  });

  it('similarity_balanced_v1: 29.07 from 12 games, confidence 0.62, PASS', () => {
    const sim = byId(outcomes, 'similarity_balanced_v1');
    expect(sim.predictedPoints).toBeCloseTo(29.07, 10);
    expect(sim.details).toMatchObject({
      similar_games_count: 12,
      avg_similarity_score: 100,
      baseline_from_similar: 25.75,
    });
    expect(sim.confidence).toBeCloseTo(0.62, 10);
    expect(sim.recommendation).toBe('PASS');
  });

  it('catboost_v8: the real model, 26.6812, confidence 0.89, OVER', () => {
    const cb = byId(outcomes, 'catboost_v8');
    expect(cb.predictedPoints).toBeCloseTo(26.6812, 3);
    expect(cb.confidence).toBeCloseTo(0.89, 10);
    expect(cb.recommendation).toBe('OVER');
    expect(cb.modelVersion).toBe('catboost_v8_33features_20260108_211817');
  });

  it('xgboost_v1: the real model up to best_iteration, confidence 0.84', () => {
    const xgb = byId(outcomes, 'xgboost_v1');
    expect(xgb.predictedPoints).toBeGreaterThan(20);
    expect(xgb.predictedPoints).toBeLessThan(35);
    expect(xgb.confidence).toBeCloseTo(0.84, 10);
    expect(xgb.modelVersion).toBe('xgboost_v6_25features_20260108_193546_best_iteration_482');
  });

  it('ensemble_v1: 28.0788, confidence 0.7875, OVER, high agreement', () => {
    const ensemble = byId(outcomes, 'ensemble_v1');
    expect(ensemble.predictedPoints).toBeCloseTo(28.0788, 3);
    expect(ensemble.confidence).toBeCloseTo(0.7875, 10);
    expect(ensemble.recommendation).toBe('OVER');
    expect(ensemble.details.agreement).toMatchObject({ type: 'high', percentage: 95 });
  });

  it('stamps every row with a model_version', () => {
    expect(outcomes).toHaveLength(7);
    for (const outcome of outcomes) expect(outcome.modelVersion).toMatch(/\S/);
  });
});

describe('catboost_v8 (the original test_catboost_v8.py, ported)', () => {
  it('reads the 33 stored features in model order, Vegas, opponent and minutes included', async () => {
    const features = featureVector(WORKED_EXAMPLE_FEATURES);
    expect(features.slice(33).slice(25)).toEqual([24.5, 24.0, 0.5, 1, 23.5, 5, 34.2, 0.75]);
    expect(features.slice(33).slice(0, 3)).toEqual([26.5, 25.8, 25.0]);
  });

  it('imputes missing Vegas and opponent history as documented (season average, 0) and says so', async () => {
    const features = featureVector({
      ...WORKED_EXAMPLE_FEATURES,
      vegas_points_line: null,
      vegas_opening_line: null,
      vegas_line_move: null,
      has_vegas_line: null,
      avg_points_vs_opponent: null,
      games_vs_opponent: null,
    });
    expect(features.slice(33).slice(25, 31)).toEqual([25, 25, 0, 0, 25, 0]);
    expect(features.imputed).toEqual([
      'vegas_points_line',
      'vegas_opening_line',
      'vegas_line_move',
      'has_vegas_line',
      'avg_points_vs_opponent',
      'games_vs_opponent',
    ]);
    const prediction = await catboostWith(
      served.find((model) => model.systemId === 'catboost_v8')!,
      { features },
    );
    expect(prediction.details.imputed_features).toEqual(features.imputed);
  });

  it('refuses a wrong or missing feature_version, and a vector that is not 33 long', () => {
    expect(() => featureVector(WORKED_EXAMPLE_FEATURES, 88, 'v1_25features')).toThrow(
      "features.feature_version: expected 'v2_33features', got 'v1_25features'",
    );
    expect(() => featureVector(WORKED_EXAMPLE_FEATURES, 88, '')).toThrow(FeatureVectorError);
    expect(
      () =>
        new (featureVector(WORKED_EXAMPLE_FEATURES).constructor as never as new (...args: unknown[]) => unknown)(
          new Array(25).fill(1),
          'v2_33features',
          80,
        ),
    ).toThrow('features.values: expected 33 values in v2_33features order, got 25');
  });

  it('clamps the model output to [0, 60]', async () => {
    expect((await catboostWith(await constantModel(75))).predictedPoints).toBe(60);
    expect((await catboostWith(await constantModel(-5))).predictedPoints).toBe(0);
  });

  it.each([
    [95, 3.5, 0.95],
    [65, 9, 0.79],
    [88, 4.8, 0.89],
    [50, 15, 0.79],
  ])('confidence for quality %d and std %d is %d', async (quality, spread, expected) => {
    const features = featureVector({ ...WORKED_EXAMPLE_FEATURES, points_std_last_10: spread }, quality);
    expect((await catboostWith(await constantModel(27), { features })).confidence).toBeCloseTo(expected, 10);
  });

  it('never reaches the <60 PASS rule: its lowest confidence is 0.79, so a low-quality row with an edge still plays', async () => {
    const features = featureVector({ ...WORKED_EXAMPLE_FEATURES, points_std_last_10: 15 }, 0);
    const prediction = await catboostWith(await constantModel(27), { features, line: 24.5 });
    expect(prediction.confidence).toBeCloseTo(0.79, 10);
    expect(prediction.recommendation).toBe('OVER');
  });

  it.each([
    [27.0, 24.5, 'OVER'],
    [22.0, 24.5, 'UNDER'],
    [24.8, 24.5, 'PASS'],
    [25.5, 24.5, 'OVER'],
    [23.5, 24.5, 'UNDER'],
  ])('predicting %d against line %d recommends %s (edge 1.0)', async (value, line, expected) => {
    expect((await catboostWith(await constantModel(value), { line })).recommendation).toBe(expected);
  });

  it('answers NO_LINE without a line', async () => {
    expect((await catboostWith(await constantModel(27), { line: null })).recommendation).toBe('NO_LINE');
  });

  it('falls back visibly when the model is not loaded: weighted average, 0.50, PASS, an event', async () => {
    const events: FallbackEvent[] = [];
    const missing: ServedModel = {
      systemId: 'catboost_v8',
      modelId: 'x',
      modelVersion: 'x',
      location: '/nowhere.onnx',
      regressor: null,
      unavailableReason: 'cannot read /nowhere.onnx',
    };
    const features = featureVector({
      ...WORKED_EXAMPLE_FEATURES,
      points_avg_last_5: 30,
      points_avg_last_10: 28,
      points_avg_season: 25,
    });
    const [outcome] = await new TreeModelSystem(CATBOOST_V8_RULES, missing, (event) => events.push(event)).predictBatch(
      [exampleInput({ features })],
    );
    const prediction = outcome as SystemPrediction;
    expect(prediction.predictedPoints).toBeCloseTo(28.05, 10);
    expect(prediction).toMatchObject({
      confidence: 0.5,
      recommendation: 'PASS',
      modelVersion: 'fallback_weighted_average_v1',
      details: { fallback: true, fallback_reason: 'cannot read /nowhere.onnx' },
    });
    expect(events).toEqual([{ systemId: 'catboost_v8', reason: 'cannot read /nowhere.onnx', players: 1 }]);
  });

  it('falls back when inference fails', async () => {
    const events: FallbackEvent[] = [];
    const broken = {
      featureCount: 33,
      predict: async () => Promise.reject(new Error('session closed')),
    } as unknown as OnnxRegressor;
    const model: ServedModel = {
      systemId: 'catboost_v8',
      modelId: 'x',
      modelVersion: 'x',
      location: 'memory',
      regressor: broken,
    };
    const [outcome] = await new TreeModelSystem(CATBOOST_V8_RULES, model, (event) => events.push(event)).predictBatch([
      exampleInput(),
    ]);
    expect((outcome as SystemPrediction).details).toMatchObject({
      fallback: true,
      fallback_reason: 'inference failed: session closed',
    });
    expect(events).toHaveLength(1);
  });

  it('xgboost_v1 plays from an edge of 1.5', async () => {
    const model = { ...(await constantModel(26.9)), systemId: 'xgboost_v1' };
    const system = new TreeModelSystem(XGBOOST_V1_RULES, model, () => {});
    const [atOnePointFour] = await system.predictBatch([exampleInput({ line: 25.5 })]);
    const [atTwo] = await system.predictBatch([exampleInput({ line: 24.9 })]);
    expect((atOnePointFour as SystemPrediction).recommendation).toBe('PASS');
    expect((atTwo as SystemPrediction).recommendation).toBe('OVER');
  });
});

describe('system boundaries', () => {
  const systemsFor = () => new PredictionSystems(served, () => {});
  const run = async (input: PredictionInput) => (await systemsFor().predict([input]))[0]!;

  it('zone matchup: a weaker defence (higher rating) raises the prediction', async () => {
    const weak = byId(
      (await run(exampleInput({ features: featureVector({ ...WORKED_EXAMPLE_FEATURES, opponent_def_rating: 118 }) })))
        .outcomes,
      'zone_matchup_v1',
    );
    const elite = byId(
      (await run(exampleInput({ features: featureVector({ ...WORKED_EXAMPLE_FEATURES, opponent_def_rating: 104 }) })))
        .outcomes,
      'zone_matchup_v1',
    );
    expect(weak.predictedPoints).toBeGreaterThan(elite.predictedPoints);
  });

  it.each([
    [0.4, 1.0],
    [0.39, 0.7],
    [0.2, 0.7],
    [0.19, 0.4],
  ])('zone matchup weights a paint share of %d by %d', async (share, weight) => {
    const zm = byId(
      (await run(exampleInput({ features: featureVector({ ...WORKED_EXAMPLE_FEATURES, pct_paint: share }) }))).outcomes,
      'zone_matchup_v1',
    );
    expect((zm.details.zones as Record<string, number>).paint).toBeCloseTo((114 - 110) * 0.3 * 1.2 * weight, 10);
  });

  it('moving average: a tired player (low fatigue_score) is penalised, a rested one is not', async () => {
    const score = async (fatigue: number) =>
      byId(
        (await run(exampleInput({ features: featureVector({ ...WORKED_EXAMPLE_FEATURES, fatigue_score: fatigue }) })))
          .outcomes,
        'moving_average',
      ).predictedPoints;
    expect(await score(90)).toBeCloseTo(27.74, 10);
    expect(await score(50)).toBeCloseTo(27.74, 10);
    expect(await score(49)).toBeCloseTo(26.74, 10);
    expect(await score(29)).toBeCloseTo(25.24, 10);
  });

  it('moving average: PASS at an edge up to 2.0, a play above it', async () => {
    const ma = async (line: number) =>
      byId((await run(exampleInput({ line }))).outcomes, 'moving_average').recommendation;
    expect(await ma(25.75)).toBe('PASS');
    expect(await ma(25.7)).toBe('OVER');
  });

  it('similarity skips with fewer than 5 matches', async () => {
    const result = await run(exampleInput({ history: exampleInput().history.slice(0, 4) }));
    expect(result.outcomes.find((outcome) => outcome.systemId === 'similarity_balanced_v1')).toEqual({
      systemId: 'similarity_balanced_v1',
      skipped: 'insufficient similar games (found 4, need 5)',
    });
  });

  it('a history game on or after the date, or a history newest first, is a PredictionInputError naming the game', async () => {
    const systems = new PredictionSystems(served, () => {});
    const history = exampleInput().history;
    const future = { ...history[0]!, game_date: '2025-02-05', points: 60 };
    await expect(systems.predict([exampleInput({ history: [...history, future] })])).rejects.toThrow(
      'history[12].game_date: 2025-02-05 is not before the game date 2025-01-30',
    );
    await expect(systems.predict([exampleInput({ history: [...history].reverse() })])).rejects.toThrow(
      `history[1].game_date: expected games oldest first, got ${history[10]!.game_date} after ${history[11]!.game_date}`,
    );
  });

  it('an empty history skips similarity only; the ensemble still runs on the other three', async () => {
    const result = await run(exampleInput({ history: [] }));
    expect(result.outcomes.filter(isPrediction).map((outcome) => outcome.systemId)).toEqual([
      'moving_average',
      'zone_matchup_v1',
      'catboost_v8',
      'xgboost_v1',
      'ensemble_v1',
      'ensemble_v1_1',
    ]);
  });

  it('the ensemble writes no row with fewer than two valid components', async () => {
    const ensemble = new (await import('./ensemble')).EnsembleSystem();
    const only = byId((await run(exampleInput())).outcomes, 'moving_average');
    expect(ensemble.combine(exampleInput(), [only])).toEqual({
      systemId: 'ensemble_v1',
      skipped: 'insufficient valid component predictions (1, need 2)',
    });
  });
});

describe('bad input', () => {
  it.each([
    ['NaN', Number.NaN, 'features.pace_score: expected a finite number or null, got NaN'],
    ['+Infinity', Number.POSITIVE_INFINITY, 'features.pace_score: expected a finite number or null, got Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'features.pace_score: expected a finite number or null, got -Infinity'],
  ])('a %s feature is a FeatureVectorError naming it', (_label, value, message) => {
    expect(() => featureVector({ ...WORKED_EXAMPLE_FEATURES, pace_score: value })).toThrow(message);
  });

  it('missing and extra features are refused with the count', () => {
    const make = (length: number) =>
      new (featureVector(WORKED_EXAMPLE_FEATURES).constructor as never as new (...args: unknown[]) => unknown)(
        new Array(length).fill(1),
        'v2_33features',
        80,
      );
    expect(() => make(32)).toThrow('expected 33 values in v2_33features order, got 32');
    expect(() => make(34)).toThrow('expected 33 values in v2_33features order, got 34');
  });

  it('a quality score outside 0-100 is refused', () => {
    expect(() => featureVector(WORKED_EXAMPLE_FEATURES, 101)).toThrow(
      'features.quality_score: expected 0-100, got 101',
    );
  });

  it.each([
    ['a negative line', { line: -1.5 }, 'line: expected a non-negative number or none, got -1.5'],
    ['a NaN line', { line: Number.NaN }, 'line: expected a non-negative number or none, got NaN'],
  ])('%s is a PredictionInputError naming the field', async (_label, override, message) => {
    await expect(new PredictionSystems(served, () => {}).predict([exampleInput(override)])).rejects.toThrow(
      new PredictionInputError(message.split(':')[0]!, message.slice(message.indexOf(':') + 2)),
    );
  });

  it('negative minutes in the history are a PredictionInputError naming the game', async () => {
    const history = exampleInput().history.map((game, index) => (index === 3 ? { ...game, minutes: -4 } : game));
    await expect(new PredictionSystems(served, () => {}).predict([exampleInput({ history })])).rejects.toThrow(
      'history[3].minutes: expected a non-negative number, got -4',
    );
  });

  it('no system ever emits a NaN, a prediction outside [0, 60] or a confidence outside [0, 1], whatever the features', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const inputs = Array.from({ length: 300 }, () =>
      exampleInput({
        features: featureVector(
          Object.fromEntries(FEATURE_NAMES.map((name) => [name, random() < 0.1 ? null : (random() - 0.3) * 400])),
          random() * 100,
        ),
        line: random() < 0.2 ? null : roundHalfEven(random() * 60, 1),
      }),
    );
    const results = await new PredictionSystems(served, () => {}).predict(inputs);
    for (const result of results) {
      for (const outcome of result.outcomes.filter(isPrediction)) {
        expect(Number.isFinite(outcome.predictedPoints)).toBe(true);
        expect(outcome.predictedPoints).toBeGreaterThanOrEqual(0);
        expect(outcome.predictedPoints).toBeLessThanOrEqual(60);
        expect(outcome.confidence).toBeGreaterThanOrEqual(0);
        expect(outcome.confidence).toBeLessThanOrEqual(1);
        expect(outcome.modelVersion).toMatch(/\S/);
      }
    }
  });
});

describe('roundHalfEven (Python round)', () => {
  it.each([
    [26.25, 1, 26.2],
    [0.25, 1, 0.2],
    [0.7175, 2, 0.72],
    [2.675, 2, 2.67],
    [0.125, 2, 0.12],
    [0.375, 2, 0.38],
    [-26.25, 1, -26.2],
    [28.05, 2, 28.05],
  ])('round(%d, %d) = %d', (value, digits, expected) => {
    expect(roundHalfEven(value, digits)).toBe(expected);
  });
});

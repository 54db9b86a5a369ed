import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxRegressor } from '../inference/onnx-regressor';
import { convertModel } from './convert-model';
import { readCatboostModel } from './catboost-cbm';
import { UnsupportedModelError } from './tree-ensemble';
import manifest from '../artifacts/model-manifest.json';

const root = resolve(import.meta.dirname, '../../../..');
const fixtures = join(root, 'libs/models/test-fixtures');
const FLOAT_ONLY = [
  'float_regression',
  'float_binary',
  'nan_as_false',
  'nan_as_true',
  'single_tree',
  'shallow_trees',
  'large_features',
];
const REFUSED = readdirSync(join(fixtures, 'go-catboost'))
  .filter((name) => name.endsWith('.cbm'))
  .map((name) => name.replace('.cbm', ''))
  .filter((name) => !FLOAT_ONLY.includes(name));

async function score(file: Uint8Array, rows: number[][], lastIteration?: number): Promise<number[]> {
  const { ensemble, onnx } = convertModel(file, { lastIteration });
  return (await OnnxRegressor.load(onnx, ensemble.featureCount)).predict(rows);
}

const maxError = (actual: number[], expected: number[]) =>
  Math.max(...actual.map((value, index) => Math.abs(value - expected[index]!)));

describe('props models convert: CatBoost', () => {
  it.each(FLOAT_ONLY)('%s matches the real CatBoost within 1e-4 through ONNX Runtime', async (name) => {
    const fixture = JSON.parse(readFileSync(join(fixtures, 'go-catboost', `${name}.json`), 'utf8')) as {
      samples: Array<{ floats: Array<number | null> }>;
      predictions: number[][];
    };
    const rows = fixture.samples.map((sample) => sample.floats.map((value) => (value === null ? Number.NaN : value)));
    const predictions = await score(readFileSync(join(fixtures, 'go-catboost', `${name}.cbm`)), rows);
    expect(rows.length).toBeGreaterThan(10);
    expect(
      maxError(
        predictions,
        fixture.predictions.map((prediction) => prediction[0]!),
      ),
    ).toBeLessThan(1e-4);
  });

  it('routes NaN to the side each feature was trained with (AsTrue vs AsFalse)', async () => {
    for (const name of ['nan_as_true', 'nan_as_false']) {
      const fixture = JSON.parse(readFileSync(join(fixtures, 'go-catboost', `${name}.json`), 'utf8')) as {
        samples: Array<{ floats: Array<number | null> }>;
        predictions: number[][];
      };
      const nanRows = fixture.samples
        .map((sample, index) => ({ sample, index }))
        .filter(({ sample }) => sample.floats.includes(null));
      expect(nanRows.length).toBeGreaterThan(5);
      const predictions = await score(
        readFileSync(join(fixtures, 'go-catboost', `${name}.cbm`)),
        nanRows.map(({ sample }) => sample.floats.map((value) => (value === null ? Number.NaN : value))),
      );
      expect(
        maxError(
          predictions,
          nanRows.map(({ index }) => fixture.predictions[index]![0]!),
        ),
      ).toBeLessThan(1e-4);
    }
  });

  it('sends a value exactly on a border to the false side (CatBoost splits on x > border)', async () => {
    const file = readFileSync(join(fixtures, 'go-catboost', 'single_tree.cbm'));
    const ensemble = readCatboostModel(file);
    const root = ensemble.trees[0]![0]!;
    if (root.kind !== 'branch') throw new Error('expected a split at the root');
    const row = (value: number) =>
      Array.from({ length: ensemble.featureCount }, (_, feature) => (feature === root.feature ? value : 0));
    const border = root.threshold;
    const below = new Float32Array([border])[0]! - Math.abs(border) * 1e-6 - 1e-6;
    const above = new Float32Array([border])[0]! + Math.abs(border) * 1e-6 + 1e-6;
    const [atBorder, justBelow, justAbove] = await score(file, [row(border), row(below), row(above)]);
    expect(atBorder).toBe(justBelow);
    expect(atBorder).not.toBe(justAbove);
  });

  it.each(REFUSED)('refuses %s with a clear reason', (name) => {
    expect(() => convertModel(readFileSync(join(fixtures, 'go-catboost', `${name}.cbm`)))).toThrow(
      UnsupportedModelError,
    );
    expect(() => convertModel(readFileSync(join(fixtures, 'go-catboost', `${name}.cbm`)))).toThrow(
      /non-symmetric|outputs|categorical|one-hot|CTR/,
    );
  });

  it('reproduces catboost_v9_exp_A1 at its feature medians: 8.12656', async () => {
    const metadata = JSON.parse(
      readFileSync(join(root, 'models/source/catboost_v9_exp_A1_20260129_210936_metadata.json'), 'utf8'),
    ) as { features: string[]; feature_medians: Record<string, number> };
    const [prediction] = await score(readFileSync(join(root, 'models/source/catboost_v9_exp_A1_20260129_210936.cbm')), [
      metadata.features.map((name) => metadata.feature_medians[name]!),
    ]);
    expect(prediction).toBeCloseTo(8.12656, 4);
  });

  it('reads the bias from MultiBias and the feature names in order from the V8 file', () => {
    const ensemble = readCatboostModel(
      readFileSync(join(root, 'models/source/catboost_v8_33features_20260108_211817.cbm')),
    );
    expect(ensemble.featureNames).toEqual(manifest.models[0]!.features);
    expect(ensemble.baseValue).toBeGreaterThan(10);
  });

  it('refuses a file that is not a model', () => {
    expect(() => convertModel(new TextEncoder().encode('hello'))).toThrow(/neither a CatBoost binary model/);
    expect(() => convertModel(new Uint8Array([67, 66, 77, 49, 255, 0, 0, 0]))).toThrow(/truncated/);
  });
});

describe('props models convert: XGBoost', () => {
  const reference = JSON.parse(readFileSync(join(fixtures, 'xgboost_v6_reference.json'), 'utf8')) as {
    base_score: number;
    best_iteration: number;
    rows: Array<Array<number | null>>;
    tree_sum_all_trees: number[];
    tree_sum_best_iteration: number[];
  };
  const rows = reference.rows.map((row) => row.map((value) => (value === null ? Number.NaN : value)));
  const model = readFileSync(join(root, 'models/source/xgboost_v6_25features_20260108_193546.json'));

  it('matches the real xgboost within 1e-4 with all 533 trees (NaN and on-threshold rows included)', async () => {
    const predictions = await score(model, rows);
    expect(
      maxError(
        predictions,
        reference.tree_sum_all_trees.map((sum) => reference.base_score + sum),
      ),
    ).toBeLessThan(1e-4);
  });

  it('matches the real xgboost within 1e-4 up to best_iteration (483 trees), as scikit-learn predicts', async () => {
    const predictions = await score(model, rows, reference.best_iteration);
    expect(
      maxError(
        predictions,
        reference.tree_sum_best_iteration.map((sum) => reference.base_score + sum),
      ),
    ).toBeLessThan(1e-4);
  });

  it('refuses a classifier objective', () => {
    const json = JSON.parse(model.toString('utf8'));
    json.learner.objective.name = 'binary:logistic';
    expect(() => convertModel(new TextEncoder().encode(JSON.stringify(json)))).toThrow(/needs a link function/);
  });
});

describe('served ONNX artifacts', () => {
  it('are reproduced byte for byte from the source models (npm run models:build)', () => {
    for (const entry of manifest.models) {
      const source = readFileSync(join(root, 'models', entry.source));
      const { onnx } = convertModel(source, {
        lastIteration: (entry.conversion as { last_iteration?: number }).last_iteration,
        metadata: {
          model_id: entry.model_id,
          model_version: entry.model_version,
          source_sha256: createHash('sha256').update(source).digest('hex'),
        },
      });
      expect(createHash('sha256').update(source).digest('hex')).toBe(entry.source_sha256);
      expect(createHash('sha256').update(onnx).digest('hex')).toBe(entry.onnx_sha256);
      expect(
        createHash('sha256')
          .update(readFileSync(join(root, 'models', entry.onnx)))
          .digest('hex'),
      ).toBe(entry.onnx_sha256);
    }
  });
});

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WarehouseSchemaError, seedWarehouse, withWarehouse } from '@props/warehouse';
import { stagePredictions } from './test-support/staged-predictions';
import { DuckdbGradingStore, NothingToGradeError, gradeDate, gradePrediction, type PredictionToGrade } from './index';

const DATE = '2025-03-15';
let seeded: string;

const prediction = (overrides: Partial<PredictionToGrade> = {}): PredictionToGrade => ({
  playerLookup: 'someone',
  gameId: 'g',
  systemId: 'catboost_v8',
  modelVersion: 'v',
  predictedPoints: 24,
  confidenceScore: 0.72,
  recommendation: 'OVER',
  line: 21.5,
  ...overrides,
});

describe('grading rules (as the original)', () => {
  it('OVER wins above the line, UNDER loses there, a push is neither, PASS and NO_LINE are not graded', () => {
    expect(gradePrediction(prediction(), { points: 25, minutes: 30 })).toMatchObject({ predictionCorrect: true, isPush: false, absoluteError: 1, signedError: -1, confidenceDecile: 8 });
    expect(gradePrediction(prediction({ recommendation: 'UNDER' }), { points: 25, minutes: 30 }).predictionCorrect).toBe(false);
    expect(gradePrediction(prediction({ line: 25 }), { points: 25, minutes: 30 })).toMatchObject({ predictionCorrect: null, isPush: true });
    expect(gradePrediction(prediction({ recommendation: 'PASS' }), { points: 25, minutes: 30 })).toMatchObject({ predictionCorrect: null, isPush: false });
    expect(gradePrediction(prediction({ recommendation: 'NO_LINE' }), { points: 25, minutes: 30 }).predictionCorrect).toBeNull();
  });

  it('voids a player with 0 minutes or no box score line, and normalizes a 0-100 confidence', () => {
    expect(gradePrediction(prediction(), { points: 0, minutes: 0 })).toMatchObject({ isVoided: true, voidReason: 'dnp: 0 minutes' });
    expect(gradePrediction(prediction(), null)).toMatchObject({ isVoided: true, predictionCorrect: null, actualPoints: null, voidReason: 'dnp: no box score line for a final game' });
    expect(gradePrediction(prediction({ confidenceScore: 85 }), { points: 30, minutes: 30 })).toMatchObject({ confidenceScore: 0.85, confidenceDecile: 9 });
  });
});

describe('gradeDate on the seeded warehouse', () => {
  beforeAll(async () => {
    seeded = (await seedWarehouse({ samplesDir: 'data/nba-samples', out: join(mkdtempSync(join(tmpdir(), 'props-grading-')), 'warehouse.duckdb'), seed: 7 })).out;
  }, 120_000);

  function copy(): string {
    const path = join(mkdtempSync(join(tmpdir(), 'props-grading-')), 'warehouse.duckdb');
    copyFileSync(seeded, path);
    return path;
  }

  it('grades every prediction of a real line, reports per system, and a re-grade replaces its rows', async () => {
    const path = copy();
    const staged = await stagePredictions(path, DATE);
    const first = await withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE));
    expect(first.rows).toHaveLength(staged);
    expect(first.replaced).toBe(0);
    const catboost = first.systems.find((system) => system.systemId === 'catboost_v8')!;
    expect(catboost.picks + catboost.voided).toBe(staged / 2);
    expect(catboost.wins + catboost.losses + catboost.pushes).toBe(catboost.picks);
    expect(catboost.hitRate).toBeGreaterThan(0);
    expect(catboost.bias).toBeGreaterThan(0);
    expect(first.systems.find((system) => system.systemId === 'moving_average')!.picks).toBe(0);
    const again = await withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE));
    expect(again.replaced).toBe(staged);
    const stored = await withWarehouse(path, async (connection) => Number((await connection.runAndReadAll(`SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = '${DATE}'`)).getRows()[0]![0]));
    expect(stored).toBe(staged);
  });

  it('refuses a date without predictions, a date without box scores yet, and a grading table of an older schema', async () => {
    const path = copy();
    await expect(withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE))).rejects.toThrow(new NothingToGradeError(`no predictions of real prop lines for ${DATE}: run a batch for that date first (props run --date ${DATE})`));
    await stagePredictions(path, DATE);
    await withWarehouse(path, (connection) => connection.run(`DELETE FROM nba_analytics.player_game_summary WHERE game_date = '${DATE}'`));
    await expect(withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE))).rejects.toThrow(`no box scores for ${DATE} yet`);
    const old = copy();
    await withWarehouse(old, (connection) => connection.run('DROP INDEX nba_predictions.prediction_accuracy_key; ALTER TABLE nba_predictions.prediction_accuracy DROP COLUMN is_push'));
    await expect(withWarehouse(old, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE))).rejects.toThrow(WarehouseSchemaError);
    await expect(withWarehouse(old, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE))).rejects.toThrow('table nba_predictions.prediction_accuracy is from another schema version (missing: is_push BOOLEAN; unexpected: none)');
  });
});

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedWarehouse } from '@props/season';
import { WarehouseSchemaError, withWarehouse } from '@props/warehouse';
import { stagePredictions } from './test-support/staged-predictions';
import {
  DuckdbGradingStore,
  NothingToGradeError,
  gradeDate,
  gradeDates,
  gradePrediction,
  type ActualLine,
  type PredictionToGrade,
} from './index';

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
  hasPropLine: true,
  lineSource: 'ACTUAL_PROP',
  estimatedLineValue: null,
  isActionable: true,
  filterReason: null,
  paceAdjustment: null,
  similarGamesCount: null,
  injuryStatus: null,
  injuryFlag: null,
  ...overrides,
});

const played = (points: number, minutes: number | null = 30): ActualLine => ({
  points,
  minutes,
  teamAbbr: 'LAL',
  opponentTeamAbbr: 'BOS',
});

describe('grading rules (as the original)', () => {
  it('OVER wins above the line, UNDER loses there, a push is neither, PASS and NO_LINE are not graded', () => {
    expect(gradePrediction(prediction(), played(25, 30))).toMatchObject({
      predictionCorrect: true,
      isPush: false,
      absoluteError: 1,
      signedError: -1,
      confidenceDecile: 8,
    });
    expect(gradePrediction(prediction({ recommendation: 'UNDER' }), played(25, 30)).predictionCorrect).toBe(false);
    expect(gradePrediction(prediction({ line: 25 }), played(25, 30))).toMatchObject({
      predictionCorrect: null,
      isPush: true,
    });
    expect(gradePrediction(prediction({ recommendation: 'PASS' }), played(25, 30))).toMatchObject({
      predictionCorrect: null,
      isPush: false,
    });
    expect(gradePrediction(prediction({ recommendation: 'NO_LINE' }), played(25, 30)).predictionCorrect).toBeNull();
  });

  it('voids a DNP (0 points, no minutes) with the reason its pre-game status gives, keeps prediction_correct, and normalizes a 0-100 confidence', () => {
    expect(gradePrediction(prediction(), played(0, 0))).toMatchObject({
      isVoided: true,
      voidReason: 'dnp_unknown',
      predictionCorrect: false,
    });
    expect(gradePrediction(prediction({ injuryStatus: 'OUT', injuryFlag: true }), played(0, null))).toMatchObject({
      isVoided: true,
      voidReason: 'dnp_injury_confirmed',
    });
    expect(gradePrediction(prediction({ injuryStatus: 'QUESTIONABLE', injuryFlag: true }), played(0, 0))).toMatchObject(
      { isVoided: true, voidReason: 'dnp_late_scratch' },
    );
    expect(gradePrediction(prediction(), played(0, 12))).toMatchObject({ isVoided: false, voidReason: null });
    expect(gradePrediction(prediction({ confidenceScore: 85 }), played(30, 30))).toMatchObject({
      confidenceScore: 0.85,
      confidenceDecile: 9,
    });
  });

  it("writes the original's error, margin and within-3/5 fields", () => {
    expect(gradePrediction(prediction({ predictedPoints: 24, line: 21.5 }), played(20))).toMatchObject({
      absoluteError: 4,
      signedError: 4,
      predictedMargin: 2.5,
      actualMargin: -1.5,
      withinThree: false,
      withinFive: true,
      teamAbbr: 'LAL',
      opponentTeamAbbr: 'BOS',
    });
  });
});

describe('gradeDate on the seeded warehouse', () => {
  beforeAll(async () => {
    seeded = (
      await seedWarehouse({
        samplesDir: 'data/nba-samples',
        out: join(mkdtempSync(join(tmpdir(), 'props-grading-')), 'warehouse.duckdb'),
        seed: 7,
      })
    ).out;
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
    // A player with no box score line for the date is left ungraded, as the original skips missing actuals.
    expect(first.rows.length + first.withoutBoxScore).toBe(staged);
    expect(first.rows.length).toBeGreaterThan(staged * 0.9);
    expect(first.replaced).toBe(0);
    const catboost = first.systems.find((system) => system.systemId === 'catboost_v8')!;
    expect(catboost.picks + catboost.voided).toBe(first.rows.length / 2);
    expect(catboost.wins + catboost.losses + catboost.pushes).toBe(catboost.picks);
    expect(catboost.hitRate).toBeGreaterThan(0);
    expect(catboost.bias).toBeGreaterThan(0);
    expect(first.systems.find((system) => system.systemId === 'moving_average')!.picks).toBe(0);
    const again = await withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE));
    expect(again.replaced).toBe(first.rows.length);
    const stored = await withWarehouse(path, async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            `SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = '${DATE}'`,
          )
        ).getRows()[0]![0],
      ),
    );
    expect(stored).toBe(first.rows.length);
    const daily = await withWarehouse(path, async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT system_id, predictions_count, recommendations_count FROM nba_predictions.system_daily_performance WHERE game_date = '${DATE}' ORDER BY 1`,
        )
      ).getRowObjectsJS(),
    );
    expect(
      daily.map((row) => [row.system_id, Number(row.predictions_count), Number(row.recommendations_count)]),
    ).toEqual([
      ['catboost_v8', first.rows.length / 2, first.rows.length / 2],
      ['moving_average', first.rows.length / 2, 0],
    ]);
  });

  it('refuses a date without predictions, a date without box scores yet, and a grading table lacking a column it writes, naming the column', async () => {
    const path = copy();
    await expect(
      withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE)),
    ).rejects.toThrow(
      new NothingToGradeError(
        `no predictions of real prop lines for ${DATE}: run a batch for that date first (props run --date ${DATE})`,
      ),
    );
    await stagePredictions(path, DATE);
    await withWarehouse(path, (connection) =>
      connection.run(`DELETE FROM nba_analytics.player_game_summary WHERE game_date = '${DATE}'`),
    );
    await expect(
      withWarehouse(path, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE)),
    ).rejects.toThrow(`no box scores for ${DATE} yet`);
    const old = copy();
    await withWarehouse(old, (connection) =>
      connection.run(
        'DROP INDEX nba_predictions.prediction_accuracy_key; ALTER TABLE nba_predictions.prediction_accuracy DROP COLUMN is_push',
      ),
    );
    await expect(
      withWarehouse(old, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE)),
    ).rejects.toThrow(WarehouseSchemaError);
    await expect(
      withWarehouse(old, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE)),
    ).rejects.toThrow(
      "table nba_predictions.prediction_accuracy lacks is_push BOOLEAN; bring it to this build's shape: props warehouse migrate",
    );
    const gone = copy();
    await withWarehouse(gone, (connection) => connection.run('DROP TABLE nba_predictions.system_daily_performance'));
    await expect(
      withWarehouse(gone, (connection) => gradeDate(new DuckdbGradingStore(connection), DATE)),
    ).rejects.toThrow(
      'table nba_predictions.system_daily_performance does not exist; create it: props warehouse migrate',
    );
  });
  it('grades a range in one pass exactly as date by date, and a re-grade replaces', async () => {
    const [byDate, inOnePass] = [copy(), copy()];
    const dates = ['2025-03-13', '2025-03-14', '2025-03-15'];
    for (const path of [byDate, inOnePass]) {
      for (const date of ['2025-03-13', '2025-03-15']) await stagePredictions(path, date);
      // Range grading reads rows as JSON text: values that need escaping must come back the same.
      await withWarehouse(path, (connection) =>
        connection.run(
          `UPDATE nba_predictions.player_prop_predictions SET filter_reason = $1, model_version = $2
            WHERE game_date = DATE '2025-03-15' AND system_id = 'catboost_v8'`,
          ['quote " back \\ slash\nline\ttab é 🏀 \u0001', 'v"8\\'],
        ),
      );
    }
    const separately = await withWarehouse(byDate, async (connection) => {
      const results = [];
      for (const date of dates)
        results.push(await gradeDate(new DuckdbGradingStore(connection), date).catch((error: unknown) => error));
      return results;
    });
    const together = await withWarehouse(inOnePass, (connection) =>
      gradeDates(new DuckdbGradingStore(connection), dates),
    );
    expect(separately[1]).toBeInstanceOf(NothingToGradeError);
    expect(dates.map((date) => together.get(date))).toEqual(separately);
    const tables = (path: string) =>
      withWarehouse(path, async (connection) => [
        (
          await connection.runAndReadAll(
            'SELECT * EXCLUDE (graded_at) FROM nba_predictions.prediction_accuracy ORDER BY ALL',
          )
        ).getRowObjectsJS(),
        (
          await connection.runAndReadAll(
            'SELECT * EXCLUDE (computed_at) FROM nba_predictions.system_daily_performance ORDER BY ALL',
          )
        ).getRowObjectsJS(),
      ]);
    const written = await tables(byDate);
    expect(written[0]!.length).toBeGreaterThan(100);
    expect(await tables(inOnePass)).toEqual(written);
    const again = await withWarehouse(inOnePass, (connection) => gradeDates(new DuckdbGradingStore(connection), dates));
    expect((again.get('2025-03-15') as { replaced: number }).replaced).toBe(
      (together.get('2025-03-15') as { rows: unknown[] }).rows.length,
    );
    expect(await tables(inOnePass)).toEqual(written);
  });
});

import { errorMessage } from '@props/contracts';
import type { ActualLine, PredictionToGrade } from './grade-prediction';
import { formDateGrades, NothingToGradeError, type GradingResult } from './grade-date';
import { summarizeBySystem } from './system-summary';

/** Rows of one game date to write in place of the date's rows. */
export type RowsByDate = ReadonlyMap<string, readonly Record<string, unknown>[]>;

/** A grading store that reads and writes many dates per statement (the local warehouse). */
export interface RangeGradingStore {
  checkSchema(): Promise<void>;
  /** Each date's consolidated predictions of real prop lines (a date without any is absent). */
  predictionsOfDates(dates: readonly string[]): Promise<Map<string, PredictionToGrade[]>>;
  /** Each date's box score lines by player (a date without box scores is absent). */
  actualsOfDates(dates: readonly string[]): Promise<Map<string, Map<string, ActualLine>>>;
  /**
   * In one transaction, replaces the grading table's rows of each date in `accuracy` and the daily
   * aggregation's of each date in `daily`; resolves with the grading rows replaced per date.
   */
  replaceDates(accuracy: RowsByDate, daily: RowsByDate): Promise<Map<string, number>>;
}

/**
 * gradeDate over many dates in one pass: the schema checked once, predictions and box scores read
 * in one query each, every date graded by the same rules, both tables replaced in one
 * transaction. A date with nothing to grade gets its NothingToGradeError, the others are written.
 */
export async function gradeDates(
  store: RangeGradingStore,
  dates: readonly string[],
): Promise<Map<string, GradingResult | NothingToGradeError>> {
  const outcomes = new Map<string, GradingResult | NothingToGradeError>();
  if (dates.length === 0) return outcomes;
  await store.checkSchema();
  const predictions = await store.predictionsOfDates(dates);
  const actuals = await store.actualsOfDates(dates);
  const gradedAt = new Date().toISOString();
  const accuracy = new Map<string, Record<string, unknown>[]>();
  const daily = new Map<string, Record<string, unknown>[]>();
  const graded = new Map<string, ReturnType<typeof formDateGrades>>();
  for (const gameDate of dates) {
    try {
      const grades = formDateGrades(
        gameDate,
        predictions.get(gameDate) ?? [],
        actuals.get(gameDate) ?? new Map(),
        gradedAt,
      );
      graded.set(gameDate, grades);
      accuracy.set(gameDate, grades.accuracyRows);
      daily.set(gameDate, grades.dailyRows);
    } catch (error) {
      if (!(error instanceof NothingToGradeError))
        throw new Error(`grading ${gameDate}: ${errorMessage(error)}`, { cause: error });
      outcomes.set(gameDate, error);
    }
  }
  const replaced = await store.replaceDates(accuracy, daily);
  for (const [gameDate, grades] of graded)
    outcomes.set(gameDate, {
      gameDate,
      rows: grades.rows,
      systems: summarizeBySystem(grades.rows),
      replaced: replaced.get(gameDate) ?? 0,
      withoutBoxScore: grades.withoutBoxScore,
    });
  return outcomes;
}

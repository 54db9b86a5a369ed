import type { ActualLine, PredictionToGrade } from './grade-prediction';

/** Where grading reads predictions and box scores and writes its table: DuckDB locally, BigQuery in production. */
export interface GradingStore {
  readonly name: string;
  /** Refuses a grading table whose columns differ from its definition. */
  checkSchema(): Promise<void>;
  /** The date's consolidated predictions of real prop lines. */
  predictions(gameDate: string): Promise<PredictionToGrade[]>;
  /** Box score lines of the date by player; empty when the box scores are not loaded yet. */
  actuals(gameDate: string): Promise<Map<string, ActualLine>>;
  /** Replaces the date's grading rows with these; resolves with how many rows it replaced. */
  replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number>;
}

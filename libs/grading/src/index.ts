export { gradePrediction, type GradedPrediction, type PredictionToGrade, type ActualLine } from './grade-prediction';
export { summarizeBySystem, type SystemSummary, type ConfidenceBucket } from './system-summary';
export type { GradingStore, BatchRecordSummary } from './grading-store';
export { gradeDate, NothingToGradeError, type GradingResult } from './grade-date';
export { gradeDates, type RangeGradingStore, type RowsByDate } from './grade-dates';
export { DuckdbGradingStore } from './local/duckdb-grading-store';
export { BigQueryGradingStore, type BigQueryGradingOptions } from './gcp/bigquery-grading-store';
export {
  verifyPredictions,
  REQUIRED_SYSTEMS,
  type Verification,
  type VerificationScope,
  type VerificationSource,
} from './verification';
export { DuckdbVerificationSource } from './local/duckdb-verification-source';
export { BigQueryVerificationSource } from './gcp/bigquery-verification-source';
export type { SeasonSource, SeasonView, SeasonDay, CalibrationBucket } from './season-view';
export { DuckdbSeasonSource } from './local/duckdb-season-source';
export { BigQuerySeasonSource } from './gcp/bigquery-season-source';
export { predictionsToGradeFromRows, withMergedRows } from './predictions-from-rows';

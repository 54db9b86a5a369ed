export { gradePrediction, type GradedPrediction, type PredictionToGrade, type ActualLine } from './grade-prediction';
export { summarizeBySystem, type SystemSummary, type ConfidenceBucket } from './system-summary';
export { gradeDate, NothingToGradeError, type GradingResult } from './local/duckdb-grading';
export { verifyPredictions, REQUIRED_SYSTEMS, type Verification, type VerificationScope } from './local/duckdb-verification';

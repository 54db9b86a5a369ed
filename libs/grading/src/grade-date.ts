import { gradePrediction, type GradedPrediction } from './grade-prediction';
import type { GradingStore } from './grading-store';
import { summarizeBySystem, type SystemSummary } from './system-summary';

export class NothingToGradeError extends Error {
  override readonly name = 'NothingToGradeError';
}

export interface GradingResult {
  gameDate: string;
  rows: GradedPrediction[];
  systems: SystemSummary[];
  /** Rows of the date the grading replaced (a re-grade replaces, never adds). */
  replaced: number;
}

/** The grading table's row for one graded prediction. */
function tableRow(row: GradedPrediction, gameDate: string, gradedAt: string): Record<string, unknown> {
  return {
    player_lookup: row.playerLookup,
    game_id: row.gameId,
    game_date: gameDate,
    system_id: row.systemId,
    model_version: row.modelVersion,
    predicted_points: row.predictedPoints,
    confidence_score: row.confidenceScore,
    confidence_decile: row.confidenceDecile,
    recommendation: row.recommendation,
    line_value: row.line,
    actual_points: row.actualPoints,
    minutes_played: row.minutesPlayed,
    absolute_error: row.absoluteError,
    signed_error: row.signedError,
    prediction_correct: row.predictionCorrect,
    is_push: row.isPush,
    is_voided: row.isVoided,
    void_reason: row.voidReason,
    graded_at: gradedAt,
  };
}

/**
 * Grades a date's consolidated predictions of real prop lines against the box scores and
 * replaces the date's rows of the grading table. No predictions, or no box scores yet, is an
 * error: nothing is written and the caller must not report a grading.
 */
export async function gradeDate(store: GradingStore, gameDate: string): Promise<GradingResult> {
  await store.checkSchema();
  const predictions = await store.predictions(gameDate);
  if (predictions.length === 0) throw new NothingToGradeError(`no predictions of real prop lines for ${gameDate}: run a batch for that date first (props run --date ${gameDate})`);
  const actuals = await store.actuals(gameDate);
  if (actuals.size === 0) throw new NothingToGradeError(`no box scores for ${gameDate} yet: grading waits until the games are final and their box scores are loaded`);
  const rows = predictions.map((prediction) => gradePrediction(prediction, actuals.get(prediction.playerLookup) ?? null));
  const gradedAt = new Date().toISOString();
  const replaced = await store.replaceGrades(gameDate, rows.map((row) => tableRow(row, gameDate, gradedAt)));
  return { gameDate, rows, systems: summarizeBySystem(rows), replaced };
}

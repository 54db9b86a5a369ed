import type { DuckDBConnection } from '@duckdb/node-api';
import { PLAYER_GAME_SUMMARY, PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, insertRows, qualifiedTableName, requireTableColumns } from '@props/warehouse';
import { gradePrediction, type GradedPrediction, type PredictionToGrade } from '../grade-prediction';
import { summarizeBySystem, type SystemSummary } from '../system-summary';

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

/**
 * Grades a date's consolidated predictions of real prop lines against the box scores and
 * replaces the date's rows of the grading table in one transaction. No predictions, or no box
 * scores yet, is an error: nothing is written and the caller must not report a grading.
 */
export async function gradeDate(connection: DuckDBConnection, gameDate: string): Promise<GradingResult> {
  await requireTableColumns(connection, PREDICTION_ACCURACY);
  const predictions = (
    await connection.runAndReadAll(
      `SELECT player_lookup, game_id, system_id, model_version, CAST(predicted_points AS DOUBLE) AS predicted, confidence_score, recommendation, CAST(line AS DOUBLE) AS line
       FROM ${qualifiedTableName(PLAYER_PROP_PREDICTIONS)}
       WHERE game_date = CAST($1 AS DATE) AND line IS NOT NULL AND line_source = 'ACTUAL_PROP'
       ORDER BY system_id, player_lookup`,
      [gameDate],
    )
  ).getRowObjectsJS();
  if (predictions.length === 0) throw new NothingToGradeError(`no predictions of real prop lines for ${gameDate}: run a batch for that date first (props run --date ${gameDate})`);
  const actualRows = (
    await connection.runAndReadAll(`SELECT player_lookup, points, CAST(minutes_played AS DOUBLE) AS minutes FROM ${qualifiedTableName(PLAYER_GAME_SUMMARY)} WHERE game_date = CAST($1 AS DATE)`, [gameDate])
  ).getRowObjectsJS();
  if (actualRows.length === 0) throw new NothingToGradeError(`no box scores for ${gameDate} yet: grading waits until the games are final and their box scores are loaded`);
  const actuals = new Map(actualRows.map((row) => [String(row.player_lookup), { points: Number(row.points), minutes: Number(row.minutes) }]));
  const rows = predictions.map((row) => {
    const prediction: PredictionToGrade = {
      playerLookup: String(row.player_lookup),
      gameId: String(row.game_id),
      systemId: String(row.system_id),
      modelVersion: String(row.model_version),
      predictedPoints: Number(row.predicted),
      confidenceScore: Number(row.confidence_score),
      recommendation: String(row.recommendation),
      line: Number(row.line),
    };
    return gradePrediction(prediction, actuals.get(prediction.playerLookup) ?? null);
  });
  const gradedAt = new Date().toISOString();
  await connection.run('BEGIN TRANSACTION');
  try {
    const deleted = await connection.runAndReadAll(`DELETE FROM ${qualifiedTableName(PREDICTION_ACCURACY)} WHERE game_date = CAST($1 AS DATE) RETURNING 1`, [gameDate]);
    await insertRows(
      connection,
      PREDICTION_ACCURACY,
      rows.map((row) => ({
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
      })),
    );
    await connection.run('COMMIT');
    return { gameDate, rows, systems: summarizeBySystem(rows), replaced: deleted.getRows().length };
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

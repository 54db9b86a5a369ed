import { gradePrediction, type ActualLine, type GradedPrediction, type PredictionToGrade } from './grade-prediction';
import type { GradingStore } from './grading-store';
import { dailyPerformanceRows } from './daily-performance';
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
  /** Predictions left ungraded because their player has no box score line for the date. */
  withoutBoxScore: number;
}

/** The grading table's row for one graded prediction, in the consumer shape of prediction_accuracy. */
function tableRow(row: GradedPrediction, gameDate: string, gradedAt: string): Record<string, unknown> {
  return {
    player_lookup: row.playerLookup,
    game_id: row.gameId,
    game_date: gameDate,
    system_id: row.systemId,
    team_abbr: row.teamAbbr,
    opponent_team_abbr: row.opponentTeamAbbr,
    predicted_points: row.predictedPoints,
    confidence_score: row.confidenceScore,
    confidence_decile: row.confidenceDecile,
    recommendation: row.recommendation,
    line_value: row.line,
    referee_adjustment: null,
    pace_adjustment: row.paceAdjustment,
    similarity_sample_size: row.similarGamesCount,
    actual_points: row.actualPoints,
    minutes_played: row.minutesPlayed,
    absolute_error: row.absoluteError,
    signed_error: row.signedError,
    predicted_margin: row.predictedMargin,
    actual_margin: row.actualMargin,
    prediction_correct: row.predictionCorrect,
    within_3_points: row.withinThree,
    within_5_points: row.withinFive,
    is_voided: row.isVoided,
    void_reason: row.voidReason,
    pre_game_injury_flag: row.injuryFlag,
    pre_game_injury_status: row.injuryStatus,
    injury_confirmed_postgame: row.isVoided && row.voidReason === 'dnp_injury_confirmed',
    model_version: row.modelVersion,
    has_prop_line: row.hasPropLine,
    line_source: row.lineSource,
    estimated_line_value: row.estimatedLineValue,
    is_actionable: row.isActionable,
    filter_reason: row.filterReason,
    graded_at: gradedAt,
    is_push: row.isPush,
  };
}

/** A date's grading formed in memory: its graded predictions and the rows both tables get. */
export interface DateGrades {
  rows: GradedPrediction[];
  accuracyRows: Record<string, unknown>[];
  dailyRows: Record<string, unknown>[];
  withoutBoxScore: number;
}

/**
 * Grades a date's predictions against its box score lines (the rules of gradeDate); no
 * predictions, or no box scores yet, is a NothingToGradeError.
 */
export function formDateGrades(
  gameDate: string,
  predictions: readonly PredictionToGrade[],
  actuals: ReadonlyMap<string, ActualLine>,
  gradedAt: string,
): DateGrades {
  if (predictions.length === 0)
    throw new NothingToGradeError(
      `no predictions of real prop lines for ${gameDate}: run a batch for that date first (props run --date ${gameDate})`,
    );
  if (actuals.size === 0)
    throw new NothingToGradeError(
      `no box scores for ${gameDate} yet: grading waits until the games are final and their box scores are loaded`,
    );
  const withActuals = predictions.filter((prediction) => actuals.has(prediction.playerLookup));
  const rows = withActuals.map((prediction) => gradePrediction(prediction, actuals.get(prediction.playerLookup)!));
  return {
    rows,
    accuracyRows: rows.map((row) => tableRow(row, gameDate, gradedAt)),
    dailyRows: dailyPerformanceRows(rows, gameDate, gradedAt),
    withoutBoxScore: predictions.length - withActuals.length,
  };
}

/**
 * Grades a date's consolidated predictions of real prop lines against the box scores, replaces
 * the date's rows of the grading table and (with `aggregate`, the default as the original's
 * `run_aggregation`) of the daily per-system aggregation. A prediction whose player has no box
 * score line is not graded (the original skips it as missing actuals) and is counted in
 * `withoutBoxScore`. No predictions, or no box scores yet, is an error: nothing is written.
 */
export async function gradeDate(
  store: GradingStore,
  gameDate: string,
  options: { aggregate?: boolean } = {},
): Promise<GradingResult> {
  await store.checkSchema();
  const predictions = await store.predictions(gameDate);
  const actuals = predictions.length === 0 ? new Map<string, ActualLine>() : await store.actuals(gameDate);
  const grades = formDateGrades(gameDate, predictions, actuals, new Date().toISOString());
  const replaced = await store.replaceGrades(gameDate, grades.accuracyRows);
  if (options.aggregate ?? true) await store.replaceDailyPerformance(gameDate, grades.dailyRows);
  return {
    gameDate,
    rows: grades.rows,
    systems: summarizeBySystem(grades.rows),
    replaced,
    withoutBoxScore: grades.withoutBoxScore,
  };
}

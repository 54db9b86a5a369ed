import type { PredictionRow } from '@props/contracts';
import type { RangeGradingStore } from './grade-dates';
import type { PredictionToGrade } from './grade-prediction';

/** The line sources grading reads (as `predictionsToGradeSql` filters them). */
const GRADED_LINE_SOURCES = new Set(['ACTUAL_PROP', 'ODDS_API']);
const ASCII = /^[\x20-\x7e]*$/;

/** A value the warehouse stores and reads back as itself: JSON writes -0 as 0. */
const keptAsIs = (value: number | null) => value === null || !Object.is(value, -0);
/** A value a DECIMAL column of `scale` places stores and reads back as the same double. */
const exactAt = (value: number | null, scale: number) =>
  value === null || (keptAsIs(value) && Number(value.toFixed(scale)) === value);

/**
 * The predictions `predictionsToGradeSql` reads for a date, formed from the rows a merge wrote
 * when they are all the date holds, instead of read back. Null (so the caller reads the
 * warehouse) unless the result is certain to be the read's: each DECIMAL value (the points at
 * one place, the lines at one, the pace at two) already at its column's scale, no -0, the order's keys
 * (system, player) printable ASCII, whose byte order is DuckDB's, and no two rows sharing them.
 */
export function predictionsToGradeFromRows(rows: readonly PredictionRow[]): PredictionToGrade[] | null {
  const graded: PredictionRow[] = [];
  for (const row of rows) {
    const exact =
      exactAt(row.predicted_points, 1) &&
      exactAt(row.current_points_line, 1) &&
      exactAt(row.estimated_line_value, 1) &&
      exactAt(row.pace_adjustment, 2) &&
      keptAsIs(row.confidence_score) &&
      keptAsIs(row.similar_games_count);
    if (!exact || !ASCII.test(row.system_id) || !ASCII.test(row.player_lookup)) return null;
    const line = row.current_points_line;
    if (line !== null && line !== 20 && GRADED_LINE_SOURCES.has(row.line_source) && row.has_prop_line) graded.push(row);
  }
  graded.sort(bySystemThenPlayer);
  for (let index = 1; index < graded.length; index += 1)
    if (bySystemThenPlayer(graded[index - 1]!, graded[index]!) === 0) return null;
  return graded.map(toPredictionToGrade);
}

function bySystemThenPlayer(a: PredictionRow, b: PredictionRow): number {
  if (a.system_id !== b.system_id) return a.system_id < b.system_id ? -1 : 1;
  if (a.player_lookup !== b.player_lookup) return a.player_lookup < b.player_lookup ? -1 : 1;
  return 0;
}

function toPredictionToGrade(row: PredictionRow): PredictionToGrade {
  return {
    playerLookup: row.player_lookup,
    gameId: row.game_id,
    systemId: row.system_id,
    modelVersion: row.model_version,
    predictedPoints: row.predicted_points,
    confidenceScore: row.confidence_score,
    recommendation: row.recommendation,
    line: row.current_points_line!,
    hasPropLine: row.has_prop_line,
    lineSource: row.line_source,
    estimatedLineValue: row.estimated_line_value,
    isActionable: row.is_actionable,
    filterReason: row.filter_reason,
    paceAdjustment: row.pace_adjustment,
    similarGamesCount: row.similar_games_count,
    injuryStatus: row.injury_status_at_prediction,
    injuryFlag: row.injury_flag_at_prediction,
  };
}

/**
 * `store` with each date of `merged` (a date's rows, when they are all it holds) graded from those
 * rows where `predictionsToGradeFromRows` can form them; every other date is read as before.
 */
export function withMergedRows(
  store: RangeGradingStore,
  merged: ReadonlyMap<string, readonly PredictionRow[]>,
): RangeGradingStore {
  return {
    checkSchema: () => store.checkSchema(),
    actualsOfDates: (dates) => store.actualsOfDates(dates),
    replaceDates: (accuracy, daily) => store.replaceDates(accuracy, daily),
    async predictionsOfDates(dates) {
      const formed = new Map<string, PredictionToGrade[]>();
      const unread: string[] = [];
      for (const date of dates) {
        const rows = merged.get(date);
        const predictions = rows ? predictionsToGradeFromRows(rows) : null;
        if (predictions === null) unread.push(date);
        // As the read: a date without any prediction to grade is absent.
        else if (predictions.length > 0) formed.set(date, predictions);
      }
      if (unread.length === 0) return formed;
      return new Map([...formed, ...(await store.predictionsOfDates(unread))]);
    },
  };
}

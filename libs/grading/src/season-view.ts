/** One system's graded predictions of one date, summed (the season view's unit). */
export interface SeasonDay {
  gameDate: string;
  systemId: string;
  graded: number;
  /** Graded predictions of players who played (not voided). */
  played: number;
  /** OVER/UNDER calls of players who played. */
  picks: number;
  wins: number;
  losses: number;
  /** Sum of |predicted − actual| over the played predictions. */
  absoluteErrorSum: number;
}

/** One system's picks in one confidence decile over the range. */
export interface CalibrationBucket {
  systemId: string;
  decile: number;
  picks: number;
  wins: number;
  losses: number;
}

export interface SeasonView {
  from: string;
  to: string;
  days: SeasonDay[];
  calibration: CalibrationBucket[];
}

/** Reads a range of prediction_accuracy (what grading and the backfill wrote): DuckDB locally, BigQuery in production. */
export interface SeasonSource {
  seasonView(from: string, to: string): Promise<SeasonView>;
}

const PLAYED_PICK = "NOT is_voided AND recommendation IN ('OVER', 'UNDER')";

/** The per-date, per-system sums, in SQL both warehouses accept (DuckDB after FLOAT64 → DOUBLE). */
export function seasonDaysSql(table: string, rangePredicate: string): string {
  return `SELECT CAST(game_date AS STRING) AS game_date, system_id, COUNT(*) AS graded, COUNTIF(NOT is_voided) AS played,
      COUNTIF(${PLAYED_PICK}) AS picks, COUNTIF(${PLAYED_PICK} AND prediction_correct = TRUE) AS wins, COUNTIF(${PLAYED_PICK} AND prediction_correct = FALSE) AS losses,
      COALESCE(SUM(IF(is_voided, 0, CAST(absolute_error AS FLOAT64))), 0) AS absolute_error_sum
    FROM ${table} WHERE ${rangePredicate} GROUP BY 1, 2 ORDER BY 1, 2`;
}

export function calibrationSql(table: string, rangePredicate: string): string {
  return `SELECT system_id, confidence_decile AS decile, COUNT(*) AS picks, COUNTIF(prediction_correct = TRUE) AS wins, COUNTIF(prediction_correct = FALSE) AS losses
    FROM ${table} WHERE ${rangePredicate} AND ${PLAYED_PICK} GROUP BY 1, 2 ORDER BY 1, 2`;
}

export function toSeasonDay(row: Record<string, unknown>): SeasonDay {
  return {
    gameDate: String(row.game_date),
    systemId: String(row.system_id),
    graded: Number(row.graded),
    played: Number(row.played),
    picks: Number(row.picks),
    wins: Number(row.wins),
    losses: Number(row.losses),
    absoluteErrorSum: Number(row.absolute_error_sum),
  };
}

export function toCalibrationBucket(row: Record<string, unknown>): CalibrationBucket {
  return {
    systemId: String(row.system_id),
    decile: Number(row.decile),
    picks: Number(row.picks),
    wins: Number(row.wins),
    losses: Number(row.losses),
  };
}

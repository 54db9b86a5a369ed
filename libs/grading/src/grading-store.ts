import type { ActualLine, PredictionToGrade } from './grade-prediction';

export interface BatchRecordSummary {
  batchId: string;
  playersExpected: number;
  playersCompleted: number;
  rowsMerged: number;
  loadPath: string;
  consolidatedAt: string;
}

/**
 * The predictions grading reads, with the original's filter: real sportsbook lines only, never
 * the old 20.0 placeholder, every system and line, `is_active` not filtered.
 */
export function predictionsToGradeSql(table: string, datePredicate: string): string {
  return `SELECT CAST(game_date AS STRING) AS game_date, player_lookup, game_id, system_id, model_version, CAST(predicted_points AS FLOAT64) AS predicted, confidence_score, recommendation,
      CAST(current_points_line AS FLOAT64) AS line, has_prop_line, line_source, CAST(estimated_line_value AS FLOAT64) AS estimated_line_value, is_actionable, filter_reason,
      CAST(pace_adjustment AS FLOAT64) AS pace_adjustment, similar_games_count, injury_status_at_prediction, injury_flag_at_prediction
    FROM ${table}
    WHERE ${datePredicate} AND current_points_line IS NOT NULL AND current_points_line != 20.0 AND line_source IN ('ACTUAL_PROP', 'ODDS_API') AND has_prop_line = TRUE
    ORDER BY system_id, player_lookup`;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
const boolOrNull = (value: unknown) => (value === null || value === undefined ? null : Boolean(value));

/** How many games the schedule has on a date. */
export function scheduledGamesSql(table: string, datePredicate: string): string {
  return `SELECT COUNT(*) AS games FROM ${table} WHERE ${datePredicate}`;
}

/** The box score lines grading reads: points, minutes and the teams, by player. */
export function actualsSql(table: string, datePredicate: string): string {
  return `SELECT CAST(game_date AS STRING) AS game_date, player_lookup, points, CAST(minutes_played AS FLOAT64) AS minutes, team_abbr, opponent_team_abbr FROM ${table} WHERE ${datePredicate}`;
}

/**
 * Player names by lookup key for a date, the box score's name first, else the prop line's: what a
 * report shows instead of the key (`jamalmurray`). Both tables hold the name the registry gave.
 */
export function playerNamesSql(boxScores: string, propLines: string, datePredicate: string): string {
  return `SELECT player_lookup, MAX(player_full_name) AS name, 1 AS rank FROM ${boxScores} WHERE ${datePredicate} AND player_full_name IS NOT NULL GROUP BY player_lookup
    UNION ALL
    SELECT player_lookup, MAX(player_name) AS name, 2 AS rank FROM ${propLines} WHERE ${datePredicate} AND player_name IS NOT NULL GROUP BY player_lookup`;
}

/** The names query's rows as a map, the better-ranked name winning. */
export function toPlayerNames(rows: readonly Record<string, unknown>[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const row of [...rows].sort((a, b) => Number(b.rank) - Number(a.rank)))
    if (typeof row.name === 'string' && row.name.trim() !== '') names.set(String(row.player_lookup), row.name);
  return names;
}

export function toActualLine(row: Record<string, unknown>): ActualLine {
  return {
    points: Number(row.points),
    minutes: numberOrNull(row.minutes),
    teamAbbr: stringOrNull(row.team_abbr),
    opponentTeamAbbr: stringOrNull(row.opponent_team_abbr),
  };
}

export function toPredictionToGrade(row: Record<string, unknown>): PredictionToGrade {
  return {
    playerLookup: String(row.player_lookup),
    gameId: String(row.game_id),
    systemId: String(row.system_id),
    modelVersion: String(row.model_version),
    predictedPoints: Number(row.predicted),
    confidenceScore: Number(row.confidence_score),
    recommendation: String(row.recommendation),
    line: Number(row.line),
    hasPropLine: row.has_prop_line === true,
    lineSource: stringOrNull(row.line_source),
    estimatedLineValue: numberOrNull(row.estimated_line_value),
    isActionable: boolOrNull(row.is_actionable),
    filterReason: stringOrNull(row.filter_reason),
    paceAdjustment: numberOrNull(row.pace_adjustment),
    similarGamesCount: numberOrNull(row.similar_games_count),
    injuryStatus: stringOrNull(row.injury_status_at_prediction),
    injuryFlag: boolOrNull(row.injury_flag_at_prediction),
  };
}

const BATCH_COLUMNS =
  'batch_id, players_expected, players_completed, rows_merged, load_path, CAST(consolidated_at AS STRING) AS consolidated_at';

/** The latest-batch query in the SQL both warehouses accept (the table name and the date predicate differ). */
export function latestBatchSql(table: string, datePredicate: string): string {
  return `SELECT ${BATCH_COLUMNS} FROM ${table} WHERE ${datePredicate} ORDER BY consolidated_at DESC LIMIT 1`;
}

export function toBatchSummary(row: Record<string, unknown> | undefined): BatchRecordSummary | null {
  if (!row) return null;
  return {
    batchId: String(row.batch_id),
    playersExpected: Number(row.players_expected),
    playersCompleted: Number(row.players_completed),
    rowsMerged: Number(row.rows_merged),
    loadPath: String(row.load_path),
    consolidatedAt: String(row.consolidated_at),
  };
}

/** Where grading reads predictions and box scores and writes its table: DuckDB locally, BigQuery in production. */
export interface GradingStore {
  readonly name: string;
  /** Refuses a grading table that lacks a column grading writes (a load must never drop a field). */
  checkSchema(): Promise<void>;
  /** The date's consolidated predictions of real prop lines. */
  predictions(gameDate: string): Promise<PredictionToGrade[]>;
  /** Box score lines of the date by player; empty when the box scores are not loaded yet. */
  actuals(gameDate: string): Promise<Map<string, ActualLine>>;
  /** Games the schedule has on the date: 0 on a day without games (All-Star break, off-season). */
  scheduledGames(gameDate: string): Promise<number>;
  /** Player names of the date by lookup key, where the warehouse has them (for the report). */
  playerNames?(gameDate: string): Promise<Map<string, string>>;
  /** The date's most recently consolidated batch, for the report; null when none is recorded. */
  latestBatch(gameDate: string): Promise<BatchRecordSummary | null>;
  /** Replaces the date's grading rows with these; resolves with how many rows it replaced. */
  replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number>;
  /** Replaces the date's rows of the daily per-system aggregation. */
  replaceDailyPerformance(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<void>;
}

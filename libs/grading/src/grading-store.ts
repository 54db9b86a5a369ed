import type { ActualLine, PredictionToGrade } from './grade-prediction';

export interface BatchRecordSummary {
  batchId: string;
  playersExpected: number;
  playersCompleted: number;
  rowsMerged: number;
  loadPath: string;
  consolidatedAt: string;
}

/** The predictions grading reads: real prop lines only (the original graded ACTUAL_PROP lines). */
export function predictionsToGradeSql(table: string, datePredicate: string): string {
  return `SELECT player_lookup, game_id, system_id, model_version, CAST(predicted_points AS FLOAT64) AS predicted, confidence_score, recommendation, CAST(line AS FLOAT64) AS line
    FROM ${table} WHERE ${datePredicate} AND line IS NOT NULL AND line_source = 'ACTUAL_PROP' ORDER BY system_id, player_lookup`;
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
  };
}

const BATCH_COLUMNS = 'batch_id, players_expected, players_completed, rows_merged, load_path, CAST(consolidated_at AS STRING) AS consolidated_at';

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
  /** Refuses a grading table whose columns differ from its definition. */
  checkSchema(): Promise<void>;
  /** The date's consolidated predictions of real prop lines. */
  predictions(gameDate: string): Promise<PredictionToGrade[]>;
  /** Box score lines of the date by player; empty when the box scores are not loaded yet. */
  actuals(gameDate: string): Promise<Map<string, ActualLine>>;
  /** The date's most recently consolidated batch, for the report; null when none is recorded. */
  latestBatch(gameDate: string): Promise<BatchRecordSummary | null>;
  /** Replaces the date's grading rows with these; resolves with how many rows it replaced. */
  replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number>;
}

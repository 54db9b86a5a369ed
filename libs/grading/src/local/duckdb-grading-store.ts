import type { DuckDBConnection } from '@duckdb/node-api';
import { PLAYER_GAME_SUMMARY, PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, PREDICTION_BATCHES, insertRows, qualifiedTableName, requireTableColumns } from '@props/warehouse';
import type { ActualLine, PredictionToGrade } from '../grade-prediction';
import { latestBatchSql, predictionsToGradeSql, toBatchSummary, toPredictionToGrade, type BatchRecordSummary, type GradingStore } from '../grading-store';

/** Grading on the local DuckDB warehouse, over a connection opened for one unit of work. */
export class DuckdbGradingStore implements GradingStore {
  readonly name = 'duckdb';

  constructor(private readonly connection: DuckDBConnection) {}

  checkSchema(): Promise<void> {
    return requireTableColumns(this.connection, PREDICTION_ACCURACY);
  }

  async predictions(gameDate: string): Promise<PredictionToGrade[]> {
    const sql = predictionsToGradeSql(qualifiedTableName(PLAYER_PROP_PREDICTIONS), 'game_date = CAST($1 AS DATE)').replaceAll('FLOAT64', 'DOUBLE');
    return (await this.connection.runAndReadAll(sql, [gameDate])).getRowObjectsJS().map(toPredictionToGrade);
  }

  async actuals(gameDate: string): Promise<Map<string, ActualLine>> {
    const rows = (
      await this.connection.runAndReadAll(`SELECT player_lookup, points, CAST(minutes_played AS DOUBLE) AS minutes FROM ${qualifiedTableName(PLAYER_GAME_SUMMARY)} WHERE game_date = CAST($1 AS DATE)`, [gameDate])
    ).getRowObjectsJS();
    return new Map(rows.map((row) => [String(row.player_lookup), { points: Number(row.points), minutes: Number(row.minutes) }]));
  }

  async latestBatch(gameDate: string): Promise<BatchRecordSummary | null> {
    return toBatchSummary((await this.connection.runAndReadAll(latestBatchSql(qualifiedTableName(PREDICTION_BATCHES), 'game_date = CAST($1 AS DATE)'), [gameDate])).getRowObjectsJS()[0]);
  }

  async replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const deleted = await this.connection.runAndReadAll(`DELETE FROM ${qualifiedTableName(PREDICTION_ACCURACY)} WHERE game_date = CAST($1 AS DATE) RETURNING 1`, [gameDate]);
      await insertRows(this.connection, PREDICTION_ACCURACY, rows);
      await this.connection.run('COMMIT');
      return deleted.getRows().length;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }
}

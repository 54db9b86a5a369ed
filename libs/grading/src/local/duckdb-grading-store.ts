import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableDefinition } from '@props/warehouse';
import {
  PLAYER_GAME_SUMMARY,
  PLAYER_POINTS_PROPS,
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  PREDICTION_BATCHES,
  SCHEDULE,
  SYSTEM_DAILY_PERFORMANCE,
  insertRows,
  qualifiedTableName,
  renderDuckdbDdl,
  requireTableColumns,
} from '@props/warehouse';
import type { ActualLine, PredictionToGrade } from '../grade-prediction';
import {
  actualsSql,
  playerNamesSql,
  toPlayerNames,
  latestBatchSql,
  scheduledGamesSql,
  predictionsToGradeSql,
  toActualLine,
  toBatchSummary,
  toPredictionToGrade,
  type BatchRecordSummary,
  type GradingStore,
} from '../grading-store';

/**
 * Grading on the local DuckDB warehouse, over a connection opened for one unit of work; a dataset
 * prefix grades (and writes) that prefix's tables, as on BigQuery.
 */
export class DuckdbGradingStore implements GradingStore {
  readonly name = 'duckdb';

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly datasetPrefix = '',
  ) {}

  private table(definition: TableDefinition): string {
    return qualifiedTableName(definition, this.datasetPrefix);
  }

  async checkSchema(): Promise<void> {
    // A prefixed (backtest) run writes its own grading tables, made on first use as its predictions table is.
    if (this.datasetPrefix)
      for (const table of [PREDICTION_ACCURACY, SYSTEM_DAILY_PERFORMANCE])
        await this.connection.run(renderDuckdbDdl(table, this.datasetPrefix));
    for (const table of [PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, SYSTEM_DAILY_PERFORMANCE])
      await requireTableColumns(this.connection, table, this.datasetPrefix);
  }

  async predictions(gameDate: string): Promise<PredictionToGrade[]> {
    const sql = predictionsToGradeSql(this.table(PLAYER_PROP_PREDICTIONS), 'game_date = CAST($1 AS DATE)').replaceAll(
      'FLOAT64',
      'DOUBLE',
    );
    return (await this.connection.runAndReadAll(sql, [gameDate])).getRowObjectsJS().map(toPredictionToGrade);
  }

  async actuals(gameDate: string): Promise<Map<string, ActualLine>> {
    const sql = actualsSql(this.table(PLAYER_GAME_SUMMARY), 'game_date = CAST($1 AS DATE)').replaceAll(
      'FLOAT64',
      'DOUBLE',
    );
    return new Map(
      (await this.connection.runAndReadAll(sql, [gameDate]))
        .getRowObjectsJS()
        .map((row) => [String(row.player_lookup), toActualLine(row)]),
    );
  }

  async playerNames(gameDate: string): Promise<Map<string, string>> {
    const sql = playerNamesSql(
      this.table(PLAYER_GAME_SUMMARY),
      this.table(PLAYER_POINTS_PROPS),
      'game_date = CAST($1 AS DATE)',
    );
    return toPlayerNames((await this.connection.runAndReadAll(sql, [gameDate])).getRowObjectsJS());
  }

  async scheduledGames(gameDate: string): Promise<number> {
    return Number(
      (
        await this.connection.runAndReadAll(scheduledGamesSql(this.table(SCHEDULE), 'game_date = CAST($1 AS DATE)'), [
          gameDate,
        ])
      ).getRows()[0]![0],
    );
  }

  async latestBatch(gameDate: string): Promise<BatchRecordSummary | null> {
    return toBatchSummary(
      (
        await this.connection.runAndReadAll(
          latestBatchSql(this.table(PREDICTION_BATCHES), 'game_date = CAST($1 AS DATE)'),
          [gameDate],
        )
      ).getRowObjectsJS()[0],
    );
  }

  replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number> {
    return this.replaceDate(PREDICTION_ACCURACY, gameDate, rows);
  }

  async replaceDailyPerformance(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.replaceDate(SYSTEM_DAILY_PERFORMANCE, gameDate, rows);
  }

  private async replaceDate(
    table: TableDefinition,
    gameDate: string,
    rows: readonly Record<string, unknown>[],
  ): Promise<number> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const deleted = await this.connection.runAndReadAll(
        `DELETE FROM ${this.table(table)} WHERE game_date = CAST($1 AS DATE) RETURNING 1`,
        [gameDate],
      );
      await insertRows(this.connection, table, rows, this.datasetPrefix);
      await this.connection.run('COMMIT');
      return deleted.getRows().length;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }
}

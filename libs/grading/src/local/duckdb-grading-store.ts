import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
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
import type { RangeGradingStore, RowsByDate } from '../grade-dates';
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

/** The dates a range method reads, bound as one VARCHAR[] parameter. */
const IN_DATES = 'game_date IN (SELECT CAST(unnest(CAST($1 AS VARCHAR[])) AS DATE))';

/** Rows grouped by their game_date column, in query order. */
function byDate<T>(
  rows: readonly Record<string, unknown>[],
  map: (row: Record<string, unknown>) => T,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const gameDate = String(row.game_date);
    const group = groups.get(gameDate) ?? [];
    group.push(map(row));
    groups.set(gameDate, group);
  }
  return groups;
}

/**
 * Grading on the local DuckDB warehouse, over a connection opened for one unit of work; a dataset
 * prefix grades (and writes) that prefix's tables, as on BigQuery.
 */
export class DuckdbGradingStore implements GradingStore, RangeGradingStore {
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

  async predictionsOfDates(dates: readonly string[]): Promise<Map<string, PredictionToGrade[]>> {
    const sql = predictionsToGradeSql(this.table(PLAYER_PROP_PREDICTIONS), IN_DATES).replaceAll('FLOAT64', 'DOUBLE');
    return byDate(await this.readDates(sql, dates), toPredictionToGrade);
  }

  async actualsOfDates(dates: readonly string[]): Promise<Map<string, Map<string, ActualLine>>> {
    const sql = actualsSql(this.table(PLAYER_GAME_SUMMARY), IN_DATES).replaceAll('FLOAT64', 'DOUBLE');
    const lines = byDate(
      await this.readDates(sql, dates),
      (row) => [String(row.player_lookup), toActualLine(row)] as const,
    );
    return new Map([...lines].map(([gameDate, players]) => [gameDate, new Map(players)]));
  }

  async replaceDates(accuracy: RowsByDate, daily: RowsByDate): Promise<Map<string, number>> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const replaced = await this.replaceRowsOfDates(PREDICTION_ACCURACY, accuracy);
      await this.replaceRowsOfDates(SYSTEM_DAILY_PERFORMANCE, daily);
      await this.connection.run('COMMIT');
      return replaced;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  private async readDates(sql: string, dates: readonly string[]) {
    return (await this.connection.runAndReadAll(sql, [listValue([...dates])], [LIST(VARCHAR)])).getRowObjectsJS();
  }

  private async replaceRowsOfDates(table: TableDefinition, rows: RowsByDate): Promise<Map<string, number>> {
    if (rows.size === 0) return new Map();
    const deleted = await this.connection.runAndReadAll(
      `DELETE FROM ${this.table(table)} WHERE ${IN_DATES} RETURNING CAST(game_date AS VARCHAR)`,
      [listValue([...rows.keys()])],
      [LIST(VARCHAR)],
    );
    await insertRows(this.connection, table, [...rows.values()].flat(), this.datasetPrefix);
    const counts = new Map<string, number>();
    for (const [gameDate] of deleted.getRows()) counts.set(String(gameDate), (counts.get(String(gameDate)) ?? 0) + 1);
    return counts;
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

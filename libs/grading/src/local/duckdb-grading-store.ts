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

/**
 * A query's rows grouped by their game_date column, read as one JSON text per date: @duckdb/node-api
 * decodes each string value with its own native call, which for the season's 128k predictions cost
 * more than DuckDB writing and JSON.parse reading the same values (numbers round-trip exactly: both
 * print and parse the shortest representation). `order` orders each date's rows.
 */
async function rowsByDate<T>(
  connection: DuckDBConnection,
  sql: string,
  dates: readonly string[],
  map: (row: Record<string, unknown>) => T,
  order = '',
): Promise<Map<string, T[]>> {
  const orderBy = order ? ` ORDER BY ${order}` : '';
  const perDate = await connection.runAndReadAll(
    `SELECT game_date, string_agg(CAST(to_json(r) AS VARCHAR), ','${orderBy}) FROM (${sql}) r GROUP BY game_date`,
    [listValue([...dates])],
    [LIST(VARCHAR)],
  );
  const groups = new Map<string, T[]>();
  for (const [gameDate, json] of perDate.getRows())
    groups.set(String(gameDate), (JSON.parse(`[${String(json)}]`) as Record<string, unknown>[]).map(map));
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
    await requireTableColumns(
      this.connection,
      [PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, SYSTEM_DAILY_PERFORMANCE],
      this.datasetPrefix,
    );
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
    return rowsByDate(this.connection, sql, dates, toPredictionToGrade, 'system_id, player_lookup');
  }

  async actualsOfDates(dates: readonly string[]): Promise<Map<string, Map<string, ActualLine>>> {
    const sql = actualsSql(this.table(PLAYER_GAME_SUMMARY), IN_DATES).replaceAll('FLOAT64', 'DOUBLE');
    const lines = await rowsByDate(
      this.connection,
      sql,
      dates,
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

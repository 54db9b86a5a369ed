import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import {
  PLAYER_GAME_SUMMARY,
  PLAYER_POINTS_PROPS,
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  PREDICTION_BATCHES,
  SYSTEM_DAILY_PERFORMANCE,
  datasetName,
  requireBigQueryColumns,
  renderBigQuerySchema,
  validateDatasetPrefix,
  type TableDefinition,
  SCHEDULE,
} from '@props/warehouse';
import type { ActualLine, PredictionToGrade } from '../grade-prediction';
import {
  actualsSql,
  playerNamesSql,
  toPlayerNames,
  latestBatchSql,
  predictionsToGradeSql,
  toActualLine,
  toBatchSummary,
  toPredictionToGrade,
  type BatchRecordSummary,
  type GradingStore,
  scheduledGamesSql,
} from '../grading-store';

export interface BigQueryGradingOptions {
  projectId: string;
  location: string;
  datasetPrefix?: string;
}

/**
 * Grading on BigQuery: parameterized query jobs to read, and a load job with WRITE_TRUNCATE into
 * the date's partition (`prediction_accuracy$YYYYMMDD`) to write, so a re-grade replaces exactly
 * that date and a failed load leaves the previous grading in place.
 */
export class BigQueryGradingStore implements GradingStore {
  readonly name = 'bigquery';
  private readonly prefix: string;

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQueryGradingOptions,
  ) {
    this.prefix = validateDatasetPrefix(options.datasetPrefix ?? '');
  }

  private table(definition: TableDefinition): string {
    return `\`${this.options.projectId}.${datasetName(definition, this.prefix)}.${definition.name}\``;
  }

  private async query(sql: string, gameDate: string): Promise<Record<string, unknown>[]> {
    const [job] = await this.client.createQueryJob({
      query: sql,
      params: { game_date: this.client.date(gameDate) },
      types: { game_date: 'DATE' },
      location: this.options.location,
    });
    const [rows] = await job.getQueryResults();
    return rows as Record<string, unknown>[];
  }

  /** Every table grading reads or writes holds each column it uses, with its type (more columns are fine). */
  async checkSchema(): Promise<void> {
    for (const definition of [PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, SYSTEM_DAILY_PERFORMANCE])
      await requireBigQueryColumns(this.client, definition, this.prefix);
  }

  async predictions(gameDate: string): Promise<PredictionToGrade[]> {
    return (
      await this.query(predictionsToGradeSql(this.table(PLAYER_PROP_PREDICTIONS), 'game_date = @game_date'), gameDate)
    ).map(toPredictionToGrade);
  }

  async actuals(gameDate: string): Promise<Map<string, ActualLine>> {
    const rows = await this.query(actualsSql(this.table(PLAYER_GAME_SUMMARY), 'game_date = @game_date'), gameDate);
    return new Map(rows.map((row) => [String(row.player_lookup), toActualLine(row)]));
  }

  async playerNames(gameDate: string): Promise<Map<string, string>> {
    return toPlayerNames(
      await this.query(
        playerNamesSql(this.table(PLAYER_GAME_SUMMARY), this.table(PLAYER_POINTS_PROPS), 'game_date = @game_date'),
        gameDate,
      ),
    );
  }

  async scheduledGames(gameDate: string): Promise<number> {
    return Number(
      (await this.query(scheduledGamesSql(this.table(SCHEDULE), 'game_date = @game_date'), gameDate))[0]?.games ?? 0,
    );
  }

  async latestBatch(gameDate: string): Promise<BatchRecordSummary | null> {
    return toBatchSummary(
      (await this.query(latestBatchSql(this.table(PREDICTION_BATCHES), 'game_date = @game_date'), gameDate))[0],
    );
  }

  replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number> {
    return this.replacePartition(PREDICTION_ACCURACY, gameDate, rows);
  }

  async replaceDailyPerformance(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.replacePartition(SYSTEM_DAILY_PERFORMANCE, gameDate, rows);
  }

  private async replacePartition(
    definition: TableDefinition,
    gameDate: string,
    rows: readonly Record<string, unknown>[],
  ): Promise<number> {
    const [existing] = await this.query(
      `SELECT COUNT(*) AS graded FROM ${this.table(definition)} WHERE game_date = @game_date`,
      gameDate,
    );
    const folder = mkdtempSync(join(tmpdir(), 'props-grading-'));
    try {
      const file = join(folder, 'grades.json');
      writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
      const partition = `${definition.name}$${gameDate.replaceAll('-', '')}`;
      await this.client
        .dataset(datasetName(definition, this.prefix))
        .table(partition)
        .load(file, {
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: 'WRITE_TRUNCATE',
          createDisposition: 'CREATE_NEVER',
          schema: { fields: renderBigQuerySchema(definition) },
          location: this.options.location,
        });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    return Number(existing?.graded ?? 0);
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { PLAYER_GAME_SUMMARY, PLAYER_PROP_PREDICTIONS, PREDICTION_ACCURACY, PREDICTION_BATCHES, WarehouseSchemaError, datasetName, renderBigQuerySchema, validateDatasetPrefix, type TableDefinition } from '@props/warehouse';
import type { ActualLine, PredictionToGrade } from '../grade-prediction';
import { latestBatchSql, predictionsToGradeSql, toBatchSummary, toPredictionToGrade, type BatchRecordSummary, type GradingStore } from '../grading-store';

export interface BigQueryGradingOptions {
  projectId: string;
  location: string;
  datasetPrefix?: string;
}

/** BigQuery's legacy and standard names for one type. */
const SAME_TYPE: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' };

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
    const [job] = await this.client.createQueryJob({ query: sql, params: { game_date: this.client.date(gameDate) }, types: { game_date: 'DATE' }, location: this.options.location });
    const [rows] = await job.getQueryResults();
    return rows as Record<string, unknown>[];
  }

  async checkSchema(): Promise<void> {
    const table = this.client.dataset(datasetName(PREDICTION_ACCURACY, this.prefix)).table(PREDICTION_ACCURACY.name);
    const [metadata] = await table.getMetadata();
    const found = ((metadata as { schema?: { fields?: { name: string; type: string }[] } }).schema?.fields ?? []).map((field) => `${field.name} ${SAME_TYPE[field.type] ?? field.type}`);
    const expected = renderBigQuerySchema(PREDICTION_ACCURACY).map((field) => `${field.name} ${field.type}`);
    const missing = expected.filter((field) => !found.includes(field));
    const extra = found.filter((field) => !expected.includes(field));
    if (missing.length > 0 || extra.length > 0) {
      throw new WarehouseSchemaError(`table ${datasetName(PREDICTION_ACCURACY, this.prefix)}.${PREDICTION_ACCURACY.name} is from another schema version (missing: ${missing.join(', ') || 'none'}; unexpected: ${extra.join(', ') || 'none'}); update it from props warehouse schema --bigquery`);
    }
  }

  async predictions(gameDate: string): Promise<PredictionToGrade[]> {
    return (await this.query(predictionsToGradeSql(this.table(PLAYER_PROP_PREDICTIONS), 'game_date = @game_date'), gameDate)).map(toPredictionToGrade);
  }

  async actuals(gameDate: string): Promise<Map<string, ActualLine>> {
    const rows = await this.query(`SELECT player_lookup, points, CAST(minutes_played AS FLOAT64) AS minutes FROM ${this.table(PLAYER_GAME_SUMMARY)} WHERE game_date = @game_date`, gameDate);
    return new Map(rows.map((row) => [String(row.player_lookup), { points: Number(row.points), minutes: Number(row.minutes) }]));
  }

  async latestBatch(gameDate: string): Promise<BatchRecordSummary | null> {
    return toBatchSummary((await this.query(latestBatchSql(this.table(PREDICTION_BATCHES), 'game_date = @game_date'), gameDate))[0]);
  }

  async replaceGrades(gameDate: string, rows: readonly Record<string, unknown>[]): Promise<number> {
    const [existing] = await this.query(`SELECT COUNT(*) AS graded FROM ${this.table(PREDICTION_ACCURACY)} WHERE game_date = @game_date`, gameDate);
    const folder = mkdtempSync(join(tmpdir(), 'props-grading-'));
    try {
      const file = join(folder, 'grades.json');
      writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
      const partition = `${PREDICTION_ACCURACY.name}$${gameDate.replaceAll('-', '')}`;
      await this.client
        .dataset(datasetName(PREDICTION_ACCURACY, this.prefix))
        .table(partition)
        .load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE', createDisposition: 'CREATE_NEVER', schema: { fields: renderBigQuerySchema(PREDICTION_ACCURACY) }, location: this.options.location });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    return Number(existing?.graded ?? 0);
  }
}

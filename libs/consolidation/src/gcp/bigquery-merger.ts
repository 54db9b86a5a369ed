import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { PredictionRow } from '@props/contracts';
import { CONSOLIDATION_FENCES, PLAYER_PROP_PREDICTIONS, datasetName, renderBigQuerySchema, validateDatasetPrefix, type TableDefinition } from '@props/warehouse';
import { StaleFencingTokenError, type ConsolidationResult } from '../consolidation';
import type { PredictionsMerger } from '../predictions-merger';

const KEY = ['game_id', 'player_lookup', 'system_id'];
const ROW_COLUMNS = PLAYER_PROP_PREDICTIONS.columns.map((column) => column.name).filter((name) => name !== 'fencing_token');

/**
 * BigQuery's MERGE: the batch's rows are loaded into `_merge_<batch>` (load job, WRITE_TRUNCATE),
 * then one transaction advances the date's fence, merges the newest row per key only if this
 * lease holds the fence, and ASSERTs no duplicate key; the merge table is dropped after.
 */
export class BigQueryMerger implements PredictionsMerger {
  readonly name = 'bigquery';
  private readonly prefix: string;

  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string; datasetPrefix?: string },
  ) {
    this.prefix = validateDatasetPrefix(options.datasetPrefix ?? '');
  }

  private table(definition: Pick<TableDefinition, 'dataset' | 'name'>): string {
    return `\`${this.options.projectId}.${datasetName(definition, this.prefix)}.${definition.name}\``;
  }

  private async query(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const [job] = await this.client.createQueryJob({ query: sql, params, location: this.options.location });
    return (await job.getQueryResults())[0] as Record<string, unknown>[];
  }

  async merge(batchId: string, gameDate: string, rows: readonly PredictionRow[], fencingToken: number): Promise<ConsolidationResult> {
    for (const row of rows) if (row.game_date !== gameDate) throw new Error(`staged row ${row.prediction_id} is for ${row.game_date}, the batch for ${gameDate}`);
    const dataset = datasetName(PLAYER_PROP_PREDICTIONS, this.prefix);
    const mergeTable = { dataset: PLAYER_PROP_PREDICTIONS.dataset, name: `_merge_${batchId.replace(/[^A-Za-z0-9_]/g, '_')}` };
    const folder = mkdtempSync(join(tmpdir(), 'props-merge-'));
    try {
      const file = join(folder, 'rows.json');
      writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
      const schema = renderBigQuerySchema(PLAYER_PROP_PREDICTIONS).filter((field) => field.name !== 'fencing_token');
      await this.client.dataset(dataset).table(mergeTable.name).load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE', createDisposition: 'CREATE_IF_NEEDED', schema: { fields: schema }, location: this.options.location });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const params = { game_date: this.client.date(gameDate), token: fencingToken };
    const key = (alias: string) => [...KEY.map((column) => `${alias}.${column}`), `COALESCE(${alias}.line, -1)`];
    const on = key('T').map((left, index) => `${left} = ${key('S')[index]}`).join(' AND ');
    const newest = `SELECT * EXCEPT (newest) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup, system_id, COALESCE(line, -1) ORDER BY created_at DESC, prediction_id DESC) AS newest FROM ${this.table(mergeTable)}) WHERE newest = 1`;
    const fenced = `EXISTS (SELECT 1 FROM ${this.table(CONSOLIDATION_FENCES)} WHERE game_date = @game_date AND token = @token)`;
    const [counts] = await this.query(`SELECT (SELECT COUNT(*) FROM (${newest})) AS merged, (SELECT COUNT(*) FROM ${this.table(PLAYER_PROP_PREDICTIONS)} AS T JOIN (${newest}) AS S ON ${on}) AS replaced`, {});
    await this.query(
      `BEGIN TRANSACTION;
MERGE INTO ${this.table(CONSOLIDATION_FENCES)} AS F USING (SELECT @game_date AS game_date, @token AS token) AS S ON F.game_date = S.game_date
  WHEN MATCHED AND F.token <= S.token THEN UPDATE SET token = S.token
  WHEN NOT MATCHED THEN INSERT (game_date, token) VALUES (S.game_date, S.token);
MERGE INTO ${this.table(PLAYER_PROP_PREDICTIONS)} AS T USING (SELECT * FROM (${newest}) WHERE ${fenced}) AS S ON ${on}
  WHEN MATCHED THEN UPDATE SET ${ROW_COLUMNS.map((column) => `${column} = S.${column}`).join(', ')}, fencing_token = @token
  WHEN NOT MATCHED THEN INSERT (${ROW_COLUMNS.join(', ')}, fencing_token) VALUES (${ROW_COLUMNS.map((column) => `S.${column}`).join(', ')}, @token);
ASSERT (SELECT COUNT(*) FROM (SELECT game_id FROM ${this.table(PLAYER_PROP_PREDICTIONS)} WHERE game_date = @game_date GROUP BY game_id, player_lookup, system_id, COALESCE(line, -1) HAVING COUNT(*) > 1)) = 0 AS 'duplicate keys after the merge; rolled back';
COMMIT TRANSACTION;`,
      params,
    );
    await this.client.dataset(dataset).table(mergeTable.name).delete({ ignoreNotFound: true });
    const [fence] = await this.query(`SELECT token FROM ${this.table(CONSOLIDATION_FENCES)} WHERE game_date = @game_date`, { game_date: params.game_date });
    const current = Number(fence?.token ?? 0);
    if (current !== fencingToken) throw new StaleFencingTokenError(gameDate, fencingToken, current);
    return { rowsStaged: rows.length, rowsMerged: Number(counts?.merged ?? 0), rowsReplaced: Number(counts?.replaced ?? 0), duplicateKeys: 0, fallbackRows: rows.filter((row) => row.is_fallback).length };
  }
}

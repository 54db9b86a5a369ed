import type { BigQuery, Query } from '@google-cloud/bigquery';
import { stagingTablePrefix, stagingTableSuffix } from '@props/prediction-store';
import {
  CONSOLIDATION_FENCES,
  PLAYER_PROP_PREDICTIONS,
  datasetName,
  validateDatasetPrefix,
  type TableDefinition,
} from '@props/warehouse';
import { StaleFencingTokenError, writtenByNewerBatch, type ConsolidationResult } from '../consolidation';
import type { ExpectedStaging, PredictionsMerger, StagedBatch } from '../predictions-merger';

const KEY = ['game_id', 'player_lookup', 'system_id'];
/** What workers stage: every column but the two the merge sets (`updated_at`, `fencing_token`). */
const ROW_COLUMNS = PLAYER_PROP_PREDICTIONS.columns
  .map((column) => column.name)
  .filter((name) => name !== 'fencing_token' && name !== 'updated_at');
/** A re-run replacing a row keeps its first `created_at` and sets `updated_at`, as the original's MERGE. */
const UPDATED_COLUMNS = ROW_COLUMNS.filter((name) => name !== 'created_at');

/**
 * BigQuery's MERGE, straight from the batch's staging tables: one transaction advances the date's
 * fence, merges the newest row per key only if this lease holds the fence, and ASSERTs that every
 * staged row is for the date and no key is duplicated. Rows never leave BigQuery.
 *
 * The staging tables are read through one wildcard table (`_staging_<batch>_*`) narrowed to the
 * batch's messages by `_TABLE_SUFFIX IN UNNEST(@messages)`, so the SQL is the same size for 10
 * players or 600 (BigQuery refuses a query text over 1,024K characters), and every statement on
 * the predictions table filters its `game_date` partition (full-table reads cost, and a table with
 * `require_partition_filter` refuses them).
 */
export class BigQueryMerger implements PredictionsMerger {
  readonly name = 'bigquery';

  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string },
  ) {}

  private table(definition: Pick<TableDefinition, 'dataset' | 'name'>, prefix: string): string {
    return `\`${this.options.projectId}.${datasetName(definition, prefix)}.${definition.name}\``;
  }

  private async query(
    sql: string,
    params: Record<string, unknown>,
    types?: Query['types'],
  ): Promise<Record<string, unknown>[]> {
    const [job] = await this.client.createQueryJob({
      query: sql,
      params,
      ...(types ? { types } : {}),
      location: this.options.location,
    });
    return (await job.getQueryResults())[0] as Record<string, unknown>[];
  }

  /**
   * The batch's messages that must not be merged, and why: a staged row for another date, outside
   * the row's ranges, of another batch or another player than the message was published for, or a
   * row count other than its completion reported.
   */
  private async invalidMessages(
    prefix: string,
    batchId: string,
    gameDate: string,
    messageIds: readonly string[],
    expected: Readonly<Record<string, ExpectedStaging>>,
  ): Promise<Array<{ messageId: string; reason: string }>> {
    const wildcard = `\`${this.options.projectId}.${datasetName(PLAYER_PROP_PREDICTIONS, prefix)}.${stagingTablePrefix(batchId)}*\``;
    const rows = await this.query(
      `SELECT _TABLE_SUFFIX AS suffix, COUNT(*) AS row_count, COUNTIF(game_date != @game_date) AS other_date,
        COUNTIF(predicted_points IS NULL OR predicted_points < 0 OR predicted_points > 60 OR confidence_score IS NULL OR confidence_score < 0 OR confidence_score > 1 OR model_version IS NULL OR model_version = '') AS out_of_range,
        COUNTIF(batch_id IS NULL OR batch_id != @batch_id) AS other_batch, MIN(player_lookup) AS first_player, MAX(player_lookup) AS last_player
       FROM ${wildcard} WHERE _TABLE_SUFFIX IN UNNEST(@messages) GROUP BY suffix`,
      { game_date: this.client.date(gameDate), batch_id: batchId, messages: messageIds.map(stagingTableSuffix) },
      { messages: ['STRING'] },
    );
    const bySuffix = new Map(rows.map((row) => [String(row.suffix), row]));
    const invalid: Array<{ messageId: string; reason: string }> = [];
    for (const messageId of messageIds) {
      const row = bySuffix.get(stagingTableSuffix(messageId));
      const count = Number(row?.row_count ?? 0);
      const { player = null, rows: reported = null } = expected[messageId] ?? {};
      const problems = [
        Number(row?.other_date ?? 0) > 0 ? `${Number(row?.other_date)} row(s) for another date than ${gameDate}` : '',
        Number(row?.out_of_range ?? 0) > 0 ? `${Number(row?.out_of_range)} row(s) out of range` : '',
        Number(row?.other_batch ?? 0) > 0 ? `${Number(row?.other_batch)} row(s) of another batch` : '',
        player !== null && count > 0 && (row?.first_player !== player || row?.last_player !== player)
          ? `rows of another player than ${player}`
          : '',
        reported !== null && count !== reported
          ? `holds ${count} row(s), its completion reported ${reported} (empty or torn)`
          : '',
      ].filter(Boolean);
      if (problems.length > 0) invalid.push({ messageId, reason: problems.join(', ') });
    }
    return invalid;
  }

  async merge(
    { batchId, gameDate, datasetPrefix, messageIds, expected = {} }: StagedBatch,
    fencingToken: number,
  ): Promise<ConsolidationResult> {
    const prefix = validateDatasetPrefix(datasetPrefix);
    const predictions = this.table(PLAYER_PROP_PREDICTIONS, prefix);
    const fences = this.table(CONSOLIDATION_FENCES, prefix);
    // Messages whose staged rows are for another date or out of range are quarantined: left out of
    // the merge (their tables stay for an operator), so one bad message cannot block the batch.
    const quarantined =
      messageIds.length === 0 ? [] : await this.invalidMessages(prefix, batchId, gameDate, messageIds, expected);
    const mergeable = messageIds.filter((messageId) => !quarantined.some((bad) => bad.messageId === messageId));
    const staged =
      mergeable.length === 0
        ? `SELECT ${ROW_COLUMNS.join(', ')} FROM ${predictions} WHERE FALSE AND game_date = @game_date`
        : `SELECT ${ROW_COLUMNS.join(', ')} FROM \`${this.options.projectId}.${datasetName(PLAYER_PROP_PREDICTIONS, prefix)}.${stagingTablePrefix(batchId)}*\` WHERE _TABLE_SUFFIX IN UNNEST(@messages)`;
    const params = {
      game_date: this.client.date(gameDate),
      token: fencingToken,
      messages: mergeable.map(stagingTableSuffix),
    };
    const types: Query['types'] = { messages: ['STRING'] };
    const key = (alias: string) => [
      ...KEY.map((column) => `${alias}.${column}`),
      `COALESCE(${alias}.current_points_line, -1)`,
    ];
    const on = [`T.game_date = @game_date`, ...key('T').map((left, index) => `${left} = ${key('S')[index]}`)].join(
      ' AND ',
    );
    const newest = `SELECT * EXCEPT (newest) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup, system_id, COALESCE(current_points_line, -1) ORDER BY created_at DESC, prediction_id DESC) AS newest FROM (${staged})) WHERE newest = 1`;
    // Newest wins across batches: a row a newer batch of the date wrote is not replaced (the same condition as DuckDB's merge).
    const newer = writtenByNewerBatch('T', 'S');
    const fenced = `EXISTS (SELECT 1 FROM ${fences} WHERE game_date = @game_date AND token = @token)`;
    const [counts] = await this.query(
      `SELECT (SELECT COUNT(*) FROM (${staged})) AS staged, (SELECT COUNTIF(is_fallback) FROM (${staged})) AS fallback, (SELECT COUNT(*) FROM (${newest})) AS merged,
        (SELECT COUNTIF(NOT ${newer}) FROM ${predictions} AS T JOIN (${newest}) AS S ON ${on}) AS replaced,
        (SELECT COUNTIF(${newer}) FROM ${predictions} AS T JOIN (${newest}) AS S ON ${on}) AS kept`,
      params,
      types,
    );
    await this.query(
      `BEGIN TRANSACTION;
ASSERT NOT EXISTS (SELECT 1 FROM (${staged}) WHERE game_date != @game_date) AS 'staged rows for another date than the batch; nothing merged';
MERGE INTO ${fences} AS F USING (SELECT @game_date AS game_date, @token AS token) AS S ON F.game_date = S.game_date
  WHEN MATCHED AND F.token <= S.token THEN UPDATE SET token = S.token
  WHEN NOT MATCHED THEN INSERT (game_date, token) VALUES (S.game_date, S.token);
MERGE INTO ${predictions} AS T USING (SELECT * FROM (${newest}) WHERE ${fenced}) AS S ON ${on}
  WHEN MATCHED AND NOT ${newer} THEN UPDATE SET ${UPDATED_COLUMNS.map((column) => `${column} = S.${column}`).join(', ')}, updated_at = CURRENT_TIMESTAMP(), fencing_token = @token
  WHEN NOT MATCHED THEN INSERT (${ROW_COLUMNS.join(', ')}, fencing_token) VALUES (${ROW_COLUMNS.map((column) => `S.${column}`).join(', ')}, @token);
ASSERT (SELECT COUNT(*) FROM (SELECT game_id FROM ${predictions} WHERE game_date = @game_date GROUP BY game_id, player_lookup, system_id, COALESCE(current_points_line, -1) HAVING COUNT(*) > 1)) = 0 AS 'duplicate keys after the merge; rolled back';
COMMIT TRANSACTION;`,
      params,
      types,
    );
    const [after] = await this.query(
      `SELECT (SELECT token FROM ${fences} WHERE game_date = @game_date) AS token, (SELECT COUNT(*) FROM ${predictions} WHERE game_date = @game_date AND batch_id = @batch_id) AS batch_rows`,
      { game_date: params.game_date, batch_id: batchId },
    );
    const current = Number(after?.token ?? 0);
    if (current !== fencingToken) throw new StaleFencingTokenError(gameDate, fencingToken, current);
    return {
      rowsStaged: Number(counts?.staged ?? 0),
      rowsMerged: Number(counts?.merged ?? 0) - Number(counts?.kept ?? 0),
      rowsReplaced: Number(counts?.replaced ?? 0),
      rowsKept: Number(counts?.kept ?? 0),
      batchRows: Number(after?.batch_rows ?? 0),
      duplicateKeys: 0,
      fallbackRows: Number(counts?.fallback ?? 0),
      quarantined,
    };
  }
}

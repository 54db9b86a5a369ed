import type { DuckDBConnection } from '@duckdb/node-api';
import type { PredictionRow } from '@props/contracts';
import {
  CONSOLIDATION_FENCES,
  PLAYER_PROP_PREDICTIONS,
  insertRows,
  qualifiedTableName,
  renderDuckdbDdl,
} from '@props/warehouse';
import { StaleFencingTokenError, writtenByNewerBatch, type ConsolidationResult } from '../consolidation';

/** Set by the merge, never staged: when a re-run replaced the row, and the lease it merged under. */
const MERGE_SET = new Set(['updated_at', 'fencing_token']);
/** A batch's staged rows: the predictions table without what the merge sets. */
const STAGED_ROWS = {
  ...PLAYER_PROP_PREDICTIONS,
  columns: PLAYER_PROP_PREDICTIONS.columns.filter((column) => !MERGE_SET.has(column.name)),
};
const STAGED_NAMES = STAGED_ROWS.columns.map((column) => column.name);

/** The business key; the line at one decimal (25.5 and 26.0 stay apart; no line is -1). */
const KEY = 't.game_id, t.player_lookup, t.system_id, COALESCE(CAST(t.current_points_line AS DECIMAL(4,1)), -1)';

/**
 * MERGE of one batch's staged rows into player_prop_predictions, newest row per key winning (and a
 * row a newer batch wrote left as it is), in
 * one transaction that first checks and advances the game date's fence: a holder whose fencing
 * token is older than one already used for that date changes nothing. A row that replaces one
 * keeps its `created_at` and gets `updated_at` (as the original's MERGE). Every statement names
 * its columns, so a migrated table (columns appended, an old one kept) merges the same. After the
 * write, any duplicate key for the date rolls the whole transaction back.
 */
export async function consolidateIntoDuckdb(
  connection: DuckDBConnection,
  gameDate: string,
  rows: readonly PredictionRow[],
  fencingToken: number,
  datasetPrefix = '',
): Promise<Omit<ConsolidationResult, 'quarantined' | 'batchRows'>> {
  const PREDICTIONS = qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix);
  const FENCES = qualifiedTableName(CONSOLIDATION_FENCES, datasetPrefix);
  // A prefixed (test) batch merges into its own tables, made on first use.
  if (datasetPrefix)
    for (const table of [PLAYER_PROP_PREDICTIONS, CONSOLIDATION_FENCES])
      await connection.run(renderDuckdbDdl(table, datasetPrefix));
  await connection.run('BEGIN TRANSACTION');
  try {
    const fence = await connection.runAndReadAll(`SELECT token FROM ${FENCES} WHERE game_date = CAST($1 AS DATE)`, [
      gameDate,
    ]);
    const current = fence.getRows()[0]?.[0];
    if (current !== undefined && Number(current) > fencingToken)
      throw new StaleFencingTokenError(gameDate, fencingToken, Number(current));
    await connection.run(`DELETE FROM ${FENCES} WHERE game_date = CAST($1 AS DATE)`, [gameDate]);
    await connection.run(`INSERT INTO ${FENCES} VALUES (CAST($1 AS DATE), $2)`, [gameDate, fencingToken]);
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE staged AS SELECT ${STAGED_NAMES.join(', ')} FROM ${PREDICTIONS} WHERE false`,
    );
    for (const row of rows)
      if (row.game_date !== gameDate)
        throw new Error(`staged row ${row.prediction_id} is for ${row.game_date}, the batch for ${gameDate}`);
    await insertRows(connection, STAGED_ROWS, rows, '', 'staged');
    const newest = `SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY ${KEY} ORDER BY created_at DESC, prediction_id DESC) AS rank FROM staged AS t) WHERE rank = 1`;
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE newest AS SELECT *, COALESCE(CAST(current_points_line AS DECIMAL(4,1)), -1) AS line_key FROM (${newest})`,
    );
    // Newest wins across batches: a row a newer batch of the date wrote stays, and this batch's row for that key is dropped.
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE kept AS SELECT s.game_id, s.player_lookup, s.system_id, s.line_key
       FROM ${PREDICTIONS} AS t JOIN newest AS s
         ON t.game_id = s.game_id AND t.player_lookup = s.player_lookup AND t.system_id = s.system_id AND COALESCE(CAST(t.current_points_line AS DECIMAL(4,1)), -1) = s.line_key
       WHERE t.game_date = CAST($1 AS DATE) AND ${writtenByNewerBatch('t', 's')}`,
      [gameDate],
    );
    await connection.run(
      `DELETE FROM newest AS s WHERE (s.game_id, s.player_lookup, s.system_id, s.line_key) IN (SELECT game_id, player_lookup, system_id, line_key FROM kept)`,
    );
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE replaced AS SELECT t.game_id, t.player_lookup, t.system_id, COALESCE(CAST(t.current_points_line AS DECIMAL(4,1)), -1) AS line_key, t.created_at
       FROM ${PREDICTIONS} AS t WHERE t.game_date = CAST($1 AS DATE) AND (${KEY}) IN (SELECT game_id, player_lookup, system_id, line_key FROM newest)`,
      [gameDate],
    );
    await connection.run(
      `DELETE FROM ${PREDICTIONS} AS t WHERE t.game_date = CAST($1 AS DATE) AND (${KEY}) IN (SELECT game_id, player_lookup, system_id, line_key FROM replaced)`,
      [gameDate],
    );
    const columns = [...STAGED_NAMES, 'updated_at', 'fencing_token'];
    const values = STAGED_NAMES.map((name) =>
      name === 'created_at' ? 'COALESCE(r.created_at, s.created_at)' : `s.${name}`,
    );
    await connection.run(
      `INSERT INTO ${PREDICTIONS} (${columns.join(', ')}) SELECT ${values.join(', ')}, CASE WHEN r.game_id IS NULL THEN NULL ELSE now() END, ${fencingToken}
       FROM newest AS s LEFT JOIN replaced AS r
         ON r.game_id = s.game_id AND r.player_lookup = s.player_lookup AND r.system_id = s.system_id AND r.line_key = s.line_key`,
    );
    const merged = await connection.runAndReadAll('SELECT count(*) FROM newest');
    const replacedCount = await connection.runAndReadAll('SELECT count(*) FROM replaced');
    const keptCount = await connection.runAndReadAll('SELECT count(*) FROM kept');
    const duplicates = await connection.runAndReadAll(
      `SELECT count(*) FROM (SELECT ${KEY} FROM ${PREDICTIONS} AS t WHERE t.game_date = CAST($1 AS DATE) GROUP BY ALL HAVING count(*) > 1)`,
      [gameDate],
    );
    const duplicateKeys = Number(duplicates.getRows()[0]![0]);
    if (duplicateKeys > 0)
      throw new Error(`consolidation of ${gameDate} would leave ${duplicateKeys} duplicate keys; rolled back`);
    await connection.run('COMMIT');
    return {
      rowsStaged: rows.length,
      rowsMerged: Number(merged.getRows()[0]![0]),
      rowsReplaced: Number(replacedCount.getRows()[0]![0]),
      rowsKept: Number(keptCount.getRows()[0]![0]),
      duplicateKeys: 0,
      fallbackRows: rows.filter((row) => row.is_fallback).length,
    };
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/** How many rows of `batchId` the predictions table holds for the date. */
export async function batchRowsInDuckdb(
  connection: DuckDBConnection,
  gameDate: string,
  batchId: string,
  datasetPrefix = '',
): Promise<number> {
  const rows = await connection.runAndReadAll(
    `SELECT count(*) FROM ${qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix)} WHERE game_date = CAST($1 AS DATE) AND batch_id = $2`,
    [gameDate, batchId],
  );
  return Number(rows.getRows()[0]![0]);
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { PredictionRow } from '@props/contracts';
import { CONSOLIDATION_FENCES, PLAYER_PROP_PREDICTIONS, insertRows, qualifiedTableName, renderDuckdbDdl } from '@props/warehouse';
import { StaleFencingTokenError, type ConsolidationResult } from '../consolidation';

/** A batch's staged rows: the predictions table without the lease that merges them. */
const STAGED_ROWS = { ...PLAYER_PROP_PREDICTIONS, columns: PLAYER_PROP_PREDICTIONS.columns.filter((column) => column.name !== 'fencing_token') };

/** The business key; the line at one decimal (25.5 and 26.0 stay apart; no line is -1). */
const KEY = `game_id, player_lookup, system_id, COALESCE(CAST(line AS DECIMAL(4,1)), -1)`;

/**
 * MERGE of one batch's staged rows into player_prop_predictions, newest row per key winning, in
 * one transaction that first checks and advances the game date's fence: a holder whose fencing
 * token is older than one already used for that date changes nothing. After the write, any
 * duplicate key for the date rolls the whole transaction back.
 */
export async function consolidateIntoDuckdb(connection: DuckDBConnection, gameDate: string, rows: readonly PredictionRow[], fencingToken: number, datasetPrefix = ''): Promise<Omit<ConsolidationResult, 'quarantined' | 'batchRows'>> {
  const PREDICTIONS = qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix);
  const FENCES = qualifiedTableName(CONSOLIDATION_FENCES, datasetPrefix);
  // A prefixed (test) batch merges into its own tables, made on first use.
  if (datasetPrefix) for (const table of [PLAYER_PROP_PREDICTIONS, CONSOLIDATION_FENCES]) await connection.run(renderDuckdbDdl(table, datasetPrefix));
  await connection.run('BEGIN TRANSACTION');
  try {
    const fence = await connection.runAndReadAll(`SELECT token FROM ${FENCES} WHERE game_date = CAST($1 AS DATE)`, [gameDate]);
    const current = fence.getRows()[0]?.[0];
    if (current !== undefined && Number(current) > fencingToken) throw new StaleFencingTokenError(gameDate, fencingToken, Number(current));
    await connection.run(`DELETE FROM ${FENCES} WHERE game_date = CAST($1 AS DATE)`, [gameDate]);
    await connection.run(`INSERT INTO ${FENCES} VALUES (CAST($1 AS DATE), $2)`, [gameDate, fencingToken]);
    await connection.run(`CREATE OR REPLACE TEMP TABLE staged AS SELECT * EXCLUDE (fencing_token) FROM ${PREDICTIONS} WHERE false`);
    for (const row of rows) if (row.game_date !== gameDate) throw new Error(`staged row ${row.prediction_id} is for ${row.game_date}, the batch for ${gameDate}`);
    await insertRows(connection, STAGED_ROWS, rows, '', 'staged');
    const newest = `SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY ${KEY} ORDER BY created_at DESC, prediction_id DESC) AS rank FROM staged) WHERE rank = 1`;
    const replaced = await connection.runAndReadAll(
      `DELETE FROM ${PREDICTIONS} WHERE game_date = CAST($1 AS DATE) AND (${KEY}) IN (SELECT ${KEY} FROM staged) RETURNING prediction_id`,
      [gameDate],
    );
    await connection.run(`INSERT INTO ${PREDICTIONS} SELECT *, ${fencingToken} FROM (${newest})`);
    const merged = await connection.runAndReadAll(`SELECT count(*) FROM (${newest})`);
    const duplicates = await connection.runAndReadAll(
      `SELECT count(*) FROM (SELECT ${KEY} FROM ${PREDICTIONS} WHERE game_date = CAST($1 AS DATE) GROUP BY ALL HAVING count(*) > 1)`,
      [gameDate],
    );
    const duplicateKeys = Number(duplicates.getRows()[0]![0]);
    if (duplicateKeys > 0) throw new Error(`consolidation of ${gameDate} would leave ${duplicateKeys} duplicate keys; rolled back`);
    await connection.run('COMMIT');
    return { rowsStaged: rows.length, rowsMerged: Number(merged.getRows()[0]![0]), rowsReplaced: replaced.getRows().length, duplicateKeys: 0, fallbackRows: rows.filter((row) => row.is_fallback).length };
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/** How many rows of `batchId` the predictions table holds for the date. */
export async function batchRowsInDuckdb(connection: DuckDBConnection, gameDate: string, batchId: string, datasetPrefix = ''): Promise<number> {
  const rows = await connection.runAndReadAll(`SELECT count(*) FROM ${qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix)} WHERE game_date = CAST($1 AS DATE) AND batch_id = $2`, [gameDate, batchId]);
  return Number(rows.getRows()[0]![0]);
}

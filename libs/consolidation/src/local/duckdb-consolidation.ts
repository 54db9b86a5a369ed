import type { DuckDBConnection } from '@duckdb/node-api';
import type { PredictionRow } from '@props/contracts';
import {
  CONSOLIDATION_FENCES,
  PLAYER_PROP_PREDICTIONS,
  qualifiedTableName,
  renderDuckdbDdl,
  withRowsAsJson,
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

type MergeCounts = Omit<ConsolidationResult, 'quarantined' | 'batchRows'>;

/** One game date of a merge and the fencing token its consolidation lock gave. */
export interface FencedDate {
  gameDate: string;
  fencingToken: number;
}

/** MERGE of one batch's staged rows for its date: consolidateDatesIntoDuckdb over one date. */
export async function consolidateIntoDuckdb(
  connection: DuckDBConnection,
  gameDate: string,
  rows: readonly PredictionRow[],
  fencingToken: number,
  datasetPrefix = '',
): Promise<MergeCounts> {
  return (await consolidateDatesIntoDuckdb(connection, [{ gameDate, fencingToken }], rows, datasetPrefix)).get(
    gameDate,
  )!;
}

/**
 * MERGE of staged rows of one or more game dates into player_prop_predictions, newest row per key
 * winning (and a row a newer batch wrote left as it is), in one transaction that first checks and
 * advances each date's fence: a holder whose fencing token is older than one already used for a
 * date changes nothing. A row that replaces one keeps its `created_at` and gets `updated_at` (as
 * the original's MERGE). Every statement names its columns, so a migrated table (columns
 * appended, an old one kept) merges the same. After the write, any duplicate key of a date rolls
 * the whole transaction back. The counts come back per date.
 */
export async function consolidateDatesIntoDuckdb(
  connection: DuckDBConnection,
  dates: readonly FencedDate[],
  rows: readonly PredictionRow[],
  datasetPrefix = '',
): Promise<Map<string, MergeCounts>> {
  const PREDICTIONS = qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix);
  // A prefixed (test) batch merges into its own tables, made on first use.
  if (datasetPrefix)
    for (const table of [PLAYER_PROP_PREDICTIONS, CONSOLIDATION_FENCES])
      await connection.run(renderDuckdbDdl(table, datasetPrefix));
  const known = new Set(dates.map((date) => date.gameDate));
  for (const row of rows)
    if (!known.has(row.game_date))
      throw new Error(
        `staged row ${row.prediction_id} is for ${row.game_date}, the batch for ${[...known].join(', ')}`,
      );
  await connection.run('BEGIN TRANSACTION');
  try {
    await advanceFences(connection, dates, datasetPrefix);
    await stageNewest(connection, PREDICTIONS, rows);
    await mergeNewest(connection, PREDICTIONS);
    const counts = await countsPerDate(connection, PREDICTIONS, dates, rows);
    await connection.run('COMMIT');
    return counts;
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/** The dates of this merge, as a temp table the statements join. */
const IN_DATES = (alias: string) => `${alias}.game_date IN (SELECT game_date FROM merge_dates)`;

async function advanceFences(connection: DuckDBConnection, dates: readonly FencedDate[], datasetPrefix: string) {
  const FENCES = qualifiedTableName(CONSOLIDATION_FENCES, datasetPrefix);
  // One statement for every date (a backfill's chunk merges 48).
  if (dates.length > 0)
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE merge_dates AS SELECT * FROM (VALUES ${dates.map((_, index) => `(CAST($${2 * index + 1} AS DATE), CAST($${2 * index + 2} AS BIGINT))`).join(', ')}) AS d(game_date, token)`,
      dates.flatMap((date) => [date.gameDate, date.fencingToken]),
    );
  else await connection.run('CREATE OR REPLACE TEMP TABLE merge_dates (game_date DATE, token BIGINT)');
  const newer = (
    await connection.runAndReadAll(
      `SELECT CAST(f.game_date AS VARCHAR), f.token, d.token FROM ${FENCES} AS f JOIN merge_dates AS d ON f.game_date = d.game_date WHERE f.token > d.token`,
    )
  ).getRows()[0];
  if (newer) throw new StaleFencingTokenError(String(newer[0]), Number(newer[2]), Number(newer[1]));
  await connection.run(
    `DELETE FROM ${FENCES} AS f WHERE ${IN_DATES('f')}; INSERT INTO ${FENCES} SELECT game_date, token FROM merge_dates`,
  );
}

/** The columns that rank a key's staged rows: the first is the newest, the one kept. */
const NEWEST_FIRST = 'created_at DESC, prediction_id DESC';
const NEWEST_KEY = 'game_id, player_lookup, system_id, line_key';

/**
 * The newest staged row per key, as the temp table `newest` with its line key. Read straight from
 * the rows' JSON in the table's types: no copy of every staged row first (a season's 128,405 rows).
 * Rows whose keys are already distinct are each the newest of their key, so they skip the ranking
 * (a third of a backfill chunk's statement). Otherwise the older rows of a key are deleted by row
 * id, ranked over the key and order columns alone: a window that carried every column sorted the
 * whole rows, half of the statement's time for a batch's 1,620 rows (docs/performance.md, "The
 * coordinator's critical path").
 */
async function stageNewest(connection: DuckDBConnection, PREDICTIONS: string, rows: readonly PredictionRow[]) {
  const ranked = !keysAreDistinct(rows);
  const create = (source: string) =>
    connection.run(
      [
        `CREATE OR REPLACE TEMP TABLE newest AS SELECT ${STAGED_NAMES.join(', ')}, COALESCE(CAST(current_points_line AS DECIMAL(4,1)), -1) AS line_key FROM ${source}`,
        ...(ranked
          ? [
              `DELETE FROM newest WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY ${NEWEST_KEY} ORDER BY ${NEWEST_FIRST}) AS rank FROM newest) WHERE rank > 1)`,
            ]
          : []),
      ].join(';\n'),
    );
  if (rows.length === 0) await create(PREDICTIONS + ' WHERE false');
  else await withRowsAsJson(STAGED_ROWS, rows, create);
}

/**
 * Whether no two rows share game, player and system, and so none shares the merge's key (which
 * adds the line). Conservative: two different keys joined alike only send the rows to the window.
 */
function keysAreDistinct(rows: readonly PredictionRow[]): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = `${row.game_id}\n${row.player_lookup}\n${row.system_id}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

async function mergeNewest(connection: DuckDBConnection, PREDICTIONS: string) {
  const columns = [...STAGED_NAMES, 'updated_at', 'fencing_token'];
  const values = STAGED_NAMES.map((name) =>
    name === 'created_at' ? 'COALESCE(r.created_at, s.created_at)' : `s.${name}`,
  );
  // One request for the five statements (run in order, the first failure stops them): each
  // request to DuckDB is a hand-over between threads, which a busy machine makes slow.
  await connection.run(
    [
      // Newest wins across batches: a row a newer batch of the date wrote stays, and this batch's row for that key is dropped.
      `CREATE OR REPLACE TEMP TABLE kept AS SELECT s.game_date, s.game_id, s.player_lookup, s.system_id, s.line_key
     FROM ${PREDICTIONS} AS t JOIN newest AS s
       ON t.game_id = s.game_id AND t.player_lookup = s.player_lookup AND t.system_id = s.system_id AND COALESCE(CAST(t.current_points_line AS DECIMAL(4,1)), -1) = s.line_key
     WHERE ${IN_DATES('t')} AND ${writtenByNewerBatch('t', 's')}`,
      `DELETE FROM newest AS s WHERE (s.game_id, s.player_lookup, s.system_id, s.line_key) IN (SELECT game_id, player_lookup, system_id, line_key FROM kept)`,
      `CREATE OR REPLACE TEMP TABLE replaced AS SELECT t.game_date, t.game_id, t.player_lookup, t.system_id, COALESCE(CAST(t.current_points_line AS DECIMAL(4,1)), -1) AS line_key, t.created_at
     FROM ${PREDICTIONS} AS t WHERE ${IN_DATES('t')} AND (${KEY}) IN (SELECT game_id, player_lookup, system_id, line_key FROM newest)`,
      `DELETE FROM ${PREDICTIONS} AS t WHERE ${IN_DATES('t')} AND (${KEY}) IN (SELECT game_id, player_lookup, system_id, line_key FROM replaced)`,
      `INSERT INTO ${PREDICTIONS} (${columns.join(', ')}) SELECT ${values.join(', ')}, CASE WHEN r.game_id IS NULL THEN NULL ELSE now() END, d.token
     FROM newest AS s JOIN merge_dates AS d ON d.game_date = s.game_date LEFT JOIN replaced AS r
       ON r.game_id = s.game_id AND r.player_lookup = s.player_lookup AND r.system_id = s.system_id AND r.line_key = s.line_key`,
    ].join(';\n'),
  );
}

/** Each date's merged, replaced and kept rows; refuses (so the caller rolls back) a date left with duplicate keys. */
async function countsPerDate(
  connection: DuckDBConnection,
  PREDICTIONS: string,
  dates: readonly FencedDate[],
  rows: readonly PredictionRow[],
): Promise<Map<string, MergeCounts>> {
  // One query for the four counts (each request to DuckDB is a hand-over between threads).
  const counted = (kind: string, table: string) =>
    `SELECT '${kind}' AS kind, CAST(game_date AS VARCHAR) AS game_date, count(*) AS n FROM ${table} GROUP BY ALL`;
  const rowsCounted = (
    await connection.runAndReadAll(
      [
        counted(
          'duplicate',
          `(SELECT t.game_date FROM ${PREDICTIONS} AS t WHERE ${IN_DATES('t')} GROUP BY t.game_date, ${KEY} HAVING count(*) > 1) AS duplicate`,
        ),
        counted('merged', 'newest'),
        counted('replaced', 'replaced'),
        counted('kept', 'kept'),
      ].join(' UNION ALL '),
    )
  ).getRows();
  const perDate = (kind: string) =>
    new Map(rowsCounted.filter((row) => row[0] === kind).map(([, date, count]) => [String(date), Number(count)]));
  for (const [gameDate, duplicateKeys] of perDate('duplicate'))
    throw new Error(`consolidation of ${gameDate} would leave ${duplicateKeys} duplicate keys; rolled back`);
  const [merged, replaced, kept] = [perDate('merged'), perDate('replaced'), perDate('kept')];
  return new Map(
    dates.map(({ gameDate }) => {
      const staged = rows.filter((row) => row.game_date === gameDate);
      return [
        gameDate,
        {
          rowsStaged: staged.length,
          rowsMerged: merged.get(gameDate) ?? 0,
          rowsReplaced: replaced.get(gameDate) ?? 0,
          rowsKept: kept.get(gameDate) ?? 0,
          duplicateKeys: 0,
          fallbackRows: staged.filter((row) => row.is_fallback).length,
        },
      ];
    }),
  );
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

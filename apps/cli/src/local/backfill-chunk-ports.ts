import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { errorMessage, type PredictionRow } from '@props/contracts';
import { consolidateDatesIntoDuckdb, type FencedDate } from '@props/consolidation';
import { DuckdbRangeSlateSource, loadSlate } from '@props/feature-loader';
import { rangePlayerCandidates } from '@props/prediction-batch';
import { DuckdbGradingStore, gradeDates, withMergedRows } from '@props/grading';
import {
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_BATCHES,
  ensureWarehouseTables,
  insertRows,
  qualifiedTableName,
  renderDuckdbDdl,
} from '@props/warehouse';
import type { ChunkInputs, ChunkPorts, FencingTokens, PredictedDate, WrittenDate } from '../backfill/chunk-ports';

/** Each merged date's rows, kept when they are all the date holds: its grading forms them instead of reading them back. */
type MergedRows = Map<string, readonly PredictionRow[]>;

/** Above any chunk's write-ahead log, so that only an explicit checkpoint (or closing the file) writes it. */
const CHUNK_WAL_LIMIT = '4GB';

/**
 * The local DuckDB warehouse over one connection: a range's inputs read in a few queries (the
 * schema checked once), every date's rows merged in one transaction, the dates graded in one pass.
 */
export async function localChunkPorts(
  connection: DuckDBConnection,
  connect: () => Promise<DuckDBConnection>,
  warehousePath: string,
  datasetPrefix: string,
): Promise<ChunkPorts> {
  // One checkpoint per opening, by checkpoint(): each one rewrites the tables' whole key indexes
  // (https://github.com/duckdb/duckdb/issues/24848), so none mid-chunk after the merge.
  // checkpoint_threshold is the WAL size that triggers one, a setting of this open database only
  // (https://duckdb.org/docs/stable/configuration/overview).
  await connection.run(`SET checkpoint_threshold = '${CHUNK_WAL_LIMIT}'`);
  // The main thread predicts the next chunk meanwhile: DuckDB on one thread leaves it the other
  // core (a second DuckDB thread cost ~4 s more CPU over a season; docs/performance.md).
  await connection.run('SET threads = 1');
  const merged: MergedRows = new Map();
  return {
    // On a connection of their own, so they are read while the merge runs on the opening's.
    inputs: async (dates) => rangeInputs(await connect(), warehousePath, dates, datasetPrefix),
    write: (predicted, tokens) => {
      merged.clear();
      return writeDates(connection, datasetPrefix, predicted, tokens, merged);
    },
    grade: (graded) => gradeDates(withMergedRows(new DuckdbGradingStore(connection, datasetPrefix), merged), graded),
    // A CHECKPOINT statement runs on DuckDB's threads, where closing the file (which checkpoints
    // too) would block the main thread (https://duckdb.org/docs/stable/sql/statements/checkpoint).
    checkpoint: async () => void (await connection.run('CHECKPOINT')),
  };
}

async function rangeInputs(
  connection: DuckDBConnection,
  warehousePath: string,
  dates: readonly string[],
  datasetPrefix: string,
): Promise<ChunkInputs> {
  const sorted = [...dates].sort();
  const range = { from: sorted[0]!, to: sorted.at(-1)! };
  const slate = await DuckdbRangeSlateSource.load(connection, warehousePath, range, datasetPrefix);
  const candidates = await rangePlayerCandidates(connection, range, datasetPrefix);
  return {
    candidates: async (gameDate) => candidates(gameDate),
    loadSlate: (gameDate, players, options) => loadSlate(slate, gameDate, players, options),
  };
}

/** All dates in one merge; if that fails, each date on its own, so one bad date fails alone. */
async function writeDates(
  connection: DuckDBConnection,
  datasetPrefix: string,
  predicted: readonly PredictedDate[],
  tokens: FencingTokens,
  merged: MergedRows,
): Promise<Map<string, WrittenDate | Error>> {
  if (predicted.length === 0) return new Map();
  await ensureWarehouseTables(connection);
  try {
    return await mergeAndRecord(connection, datasetPrefix, predicted, tokens, merged);
  } catch (error) {
    if (predicted.length === 1) return new Map([[predicted[0]!.gameDate, new Error(errorMessage(error))]]);
    const outcomes = new Map<string, WrittenDate | Error>();
    for (const date of predicted)
      for (const [gameDate, outcome] of await writeDates(connection, datasetPrefix, [date], tokens, merged))
        outcomes.set(gameDate, outcome);
    return outcomes;
  }
}

/** The dates that already have prediction rows (a first backfill of a date has none). */
async function datesWithRows(
  connection: DuckDBConnection,
  datasetPrefix: string,
  dates: readonly FencedDate[],
): Promise<Set<string>> {
  // A prefixed (test) run's predictions table is made on first use, as the merge makes it.
  if (datasetPrefix) await connection.run(renderDuckdbDdl(PLAYER_PROP_PREDICTIONS, datasetPrefix));
  const read = await connection.runAndReadAll(
    `SELECT DISTINCT CAST(game_date AS VARCHAR) FROM ${qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix)}
     WHERE game_date IN (SELECT CAST(unnest(CAST($1 AS VARCHAR[])) AS DATE))`,
    [listValue(dates.map((date) => date.gameDate))],
    [LIST(VARCHAR)],
  );
  return new Set(read.getRows().map(([gameDate]) => String(gameDate)));
}

async function mergeAndRecord(
  connection: DuckDBConnection,
  datasetPrefix: string,
  predicted: readonly PredictedDate[],
  tokens: FencingTokens,
  mergedRows: MergedRows,
): Promise<Map<string, WrittenDate>> {
  const fenced = predicted.map(({ gameDate }) => ({ gameDate, fencingToken: tokens.get(gameDate)! }));
  const held = await datesWithRows(connection, datasetPrefix, fenced);
  const merged = await consolidateDatesIntoDuckdb(
    connection,
    fenced,
    predicted.flatMap((date) => date.rows),
    datasetPrefix,
  );
  // Nothing before and every staged row written: the date holds exactly these rows.
  const whole = predicted.filter(
    ({ gameDate, rows }) => !held.has(gameDate) && merged.get(gameDate)!.rowsMerged === rows.length,
  );
  const batchRows = new Map(
    (
      await connection.runAndReadAll(
        `SELECT batch_id, count(*) FROM ${qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix)}
         WHERE batch_id IN (SELECT unnest(CAST($1 AS VARCHAR[]))) GROUP BY ALL`,
        [listValue(predicted.map((date) => date.batchId))],
        [LIST(VARCHAR)],
      )
    )
      .getRows()
      .map(([batchId, count]) => [String(batchId), Number(count)]),
  );
  if (datasetPrefix) await connection.run(renderDuckdbDdl(PREDICTION_BATCHES, datasetPrefix));
  const consolidatedAt = new Date().toISOString();
  await insertRows(
    connection,
    PREDICTION_BATCHES,
    predicted.map((date) => ({
      batch_id: date.batchId,
      game_date: date.gameDate,
      ...date.bookkeeping,
      rows_merged: batchRows.get(date.batchId) ?? 0,
      fencing_token: tokens.get(date.gameDate)!,
      consolidated_at: consolidatedAt,
    })),
    datasetPrefix,
  );
  for (const { gameDate, rows } of whole) mergedRows.set(gameDate, rows);
  return new Map(
    predicted.map((date) => [
      date.gameDate,
      { batchRows: batchRows.get(date.batchId) ?? 0, rowsReplaced: merged.get(date.gameDate)!.rowsReplaced },
    ]),
  );
}

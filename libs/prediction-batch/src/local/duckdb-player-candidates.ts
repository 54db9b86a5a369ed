import { ServiceError } from '@props/contracts';
import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import {
  PLAYER_POINTS_PROPS,
  UPCOMING_PLAYER_GAME_CONTEXT,
  qualifiedTableName,
  readRowObjects,
} from '@props/warehouse';
import { playerCandidatesSql, rangeCandidatesSql, toPlayerCandidate, type PlayerCandidate } from '../player-candidates';

/**
 * A prefixed (test) batch names datasets the warehouse does not have: the same request fails the
 * same way until someone creates them, so it is answered 422, which no caller takes for "retry".
 */
export class PrefixedTableMissingError extends ServiceError {
  override readonly name = 'PrefixedTableMissingError';
  constructor(message: string) {
    super('prefixed_datasets_missing', message);
  }
}

/** The date's game context joined with the best line per player, on the local warehouse. */
export async function queryPlayerCandidates(
  connection: DuckDBConnection,
  gameDate: string,
  prefix = '',
): Promise<PlayerCandidate[]> {
  const sql = playerCandidatesSql(
    qualifiedTableName(UPCOMING_PLAYER_GAME_CONTEXT, prefix),
    qualifiedTableName(PLAYER_POINTS_PROPS, prefix),
    'CAST($1 AS DATE)',
  ).replaceAll('FLOAT64', 'DOUBLE');
  let result: DuckDBResult;
  try {
    result = await connection.run(sql, [gameDate]);
  } catch (error) {
    // Only a failed query pays for the catalog read that names a missing table; any other failure
    // (the check's own included) leaves the query's error as it was.
    await requireCandidateTables(connection, prefix).catch((checkError: unknown) => {
      if (checkError instanceof PrefixedTableMissingError) throw checkError;
    });
    throw error;
  }
  return (await readRowObjects(result)).map(toPlayerCandidate);
}

/** Refuses a prefix whose game context or lines table does not exist, naming it (one catalog read for both). */
export async function requireCandidateTables(connection: DuckDBConnection, prefix: string): Promise<void> {
  const tables = [UPCOMING_PLAYER_GAME_CONTEXT, PLAYER_POINTS_PROPS].map((table) =>
    qualifiedTableName(table, prefix).split('.'),
  );
  const found = new Set(
    (
      await connection.runAndReadAll(
        'SELECT table_schema, table_name FROM information_schema.tables WHERE (table_schema = $1 AND table_name = $2) OR (table_schema = $3 AND table_name = $4)',
        tables.flat(),
      )
    )
      .getRows()
      .map(([schema, name]) => `${String(schema)}.${String(name)}`),
  );
  const missing = tables.find(([schema, name]) => !found.has(`${schema}.${name}`));
  if (missing)
    throw new PrefixedTableMissingError(
      `dataset prefix "${prefix}": the warehouse has no ${missing[0]}.${missing[1]}; a prefixed batch reads and writes its own datasets, so create them first`,
    );
}

/**
 * The candidates of every date of a range from one query (the prefix's tables checked once): for
 * each date the same players, lines and order as queryPlayerCandidates; a date outside the range
 * is refused.
 */
export async function rangePlayerCandidates(
  connection: DuckDBConnection,
  range: { from: string; to: string },
  prefix = '',
): Promise<(gameDate: string) => PlayerCandidate[]> {
  await requireCandidateTables(connection, prefix);
  const sql = rangeCandidatesSql(
    qualifiedTableName(UPCOMING_PLAYER_GAME_CONTEXT, prefix),
    qualifiedTableName(PLAYER_POINTS_PROPS, prefix),
    'CAST($1 AS DATE)',
    'CAST($2 AS DATE)',
  ).replaceAll('FLOAT64', 'DOUBLE');
  const byDate = new Map<string, PlayerCandidate[]>();
  for (const row of await readRowObjects(await connection.run(sql, [range.from, range.to]))) {
    const gameDate = String(row.game_date);
    const candidates = byDate.get(gameDate) ?? [];
    candidates.push(toPlayerCandidate(row));
    byDate.set(gameDate, candidates);
  }
  return (gameDate) => {
    if (gameDate < range.from || gameDate > range.to)
      throw new Error(`the candidates of ${range.from} .. ${range.to} were asked for ${gameDate}`);
    return byDate.get(gameDate) ?? [];
  };
}

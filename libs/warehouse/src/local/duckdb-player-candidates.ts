import type { DuckDBConnection } from '@duckdb/node-api';
import { playerCandidatesSql, toPlayerCandidate, type PlayerCandidate } from '../player-candidates';
import { qualifiedTableName } from '../render-duckdb-ddl';
import { PLAYER_POINTS_PROPS, UPCOMING_PLAYER_GAME_CONTEXT } from '../tables/context-and-lines';

/** The date's game context joined with the best line per player, on the local warehouse. */
export async function queryPlayerCandidates(connection: DuckDBConnection, gameDate: string, prefix = ''): Promise<PlayerCandidate[]> {
  const sql = playerCandidatesSql(qualifiedTableName(UPCOMING_PLAYER_GAME_CONTEXT, prefix), qualifiedTableName(PLAYER_POINTS_PROPS, prefix), 'CAST($1 AS DATE)').replaceAll('FLOAT64', 'DOUBLE');
  return (await connection.runAndReadAll(sql, [gameDate])).getRowObjectsJS().map(toPlayerCandidate);
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { qualifiedTableName } from '../render-duckdb-ddl';
import { PLAYER_POINTS_PROPS, UPCOMING_PLAYER_GAME_CONTEXT } from '../tables/context-and-lines';

/** Bookmakers whose lines the coordinator takes, in order of preference (as the original). */
export const PREFERRED_BOOKMAKERS = ['draftkings', 'fanduel', 'betmgm', 'pointsbet', 'caesars'] as const;

/** One player of the date's game context, with the preferred book's latest line if any. */
export interface PlayerCandidate {
  playerLookup: string;
  gameId: string;
  teamAbbr: string;
  opponentTeamAbbr: string;
  isHome: boolean;
  playerStatus: string | null;
  avgMinutesLast7: number | null;
  isProductionReady: boolean;
  pointsAvgLast5: number | null;
  pointsAvgLast10: number | null;
  gamesUsedLast10: number;
  line: number | null;
  bookmaker: string | null;
  minutesBeforeTipoff: number | null;
}

/** The date's game context joined with the best line per player, newest context row per player. */
export async function queryPlayerCandidates(connection: DuckDBConnection, gameDate: string, prefix = ''): Promise<PlayerCandidate[]> {
  const books = PREFERRED_BOOKMAKERS.map((book, index) => `WHEN '${book}' THEN ${index}`).join(' ');
  const reader = await connection.runAndReadAll(
    `WITH context AS (
       SELECT * FROM ${qualifiedTableName(UPCOMING_PLAYER_GAME_CONTEXT, prefix)} WHERE game_date = CAST($1 AS DATE)
       QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY created_at DESC) = 1),
     lines AS (
       SELECT player_lookup, CAST(points_line AS DOUBLE) AS points_line, bookmaker, minutes_before_tipoff,
         row_number() OVER (PARTITION BY player_lookup ORDER BY CASE bookmaker ${books} END, snapshot_timestamp DESC) AS preference
       FROM ${qualifiedTableName(PLAYER_POINTS_PROPS, prefix)}
       WHERE game_date = CAST($1 AS DATE) AND bookmaker IN (${PREFERRED_BOOKMAKERS.map((book) => `'${book}'`).join(', ')}))
     SELECT c.player_lookup, c.game_id, c.team_abbr, c.opponent_team_abbr, c.home_game, c.player_status,
       CAST(c.avg_minutes_per_game_last_7 AS DOUBLE) AS avg_minutes, c.is_production_ready,
       CAST(c.points_avg_last_5 AS DOUBLE) AS avg5, CAST(c.points_avg_last_10 AS DOUBLE) AS avg10, c.l10_games_used,
       l.points_line, l.bookmaker, l.minutes_before_tipoff
     FROM context c LEFT JOIN lines l ON l.player_lookup = c.player_lookup AND l.preference = 1
     ORDER BY avg_minutes DESC NULLS LAST, c.player_lookup`,
    [gameDate],
  );
  return reader.getRowObjectsJS().map((row) => ({
    playerLookup: String(row.player_lookup),
    gameId: String(row.game_id),
    teamAbbr: String(row.team_abbr),
    opponentTeamAbbr: String(row.opponent_team_abbr),
    isHome: Boolean(row.home_game),
    playerStatus: row.player_status === null ? null : String(row.player_status),
    avgMinutesLast7: row.avg_minutes === null ? null : Number(row.avg_minutes),
    isProductionReady: Boolean(row.is_production_ready),
    pointsAvgLast5: row.avg5 === null ? null : Number(row.avg5),
    pointsAvgLast10: row.avg10 === null ? null : Number(row.avg10),
    gamesUsedLast10: Number(row.l10_games_used),
    line: row.points_line === null ? null : Number(row.points_line),
    bookmaker: row.bookmaker === null ? null : String(row.bookmaker),
    minutesBeforeTipoff: row.minutes_before_tipoff === null ? null : Number(row.minutes_before_tipoff),
  }));
}

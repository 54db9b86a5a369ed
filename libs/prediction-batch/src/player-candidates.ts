/** Bookmakers whose lines the coordinator takes, in order of preference (as the original). */
export const PREFERRED_BOOKMAKERS = ['draftkings', 'fanduel', 'betmgm', 'pointsbet', 'caesars'] as const;

/** One player of the date's game context, with the preferred book's latest line if any. */
export interface PlayerCandidate {
  playerLookup: string;
  universalPlayerId: string | null;
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

/** The candidates query in the SQL both warehouses accept; the table names and the date predicate differ. */
export function playerCandidatesSql(context: string, props: string, dateParameter: string): string {
  return candidatesSql(context, props, `game_date = ${dateParameter}`, false);
}

/**
 * The candidates query of every date from `from` to `to` (DuckDB date expressions) at once: per
 * date exactly the rows, and the order, of playerCandidatesSql, each row with its `game_date`.
 */
export function rangeCandidatesSql(context: string, props: string, from: string, to: string): string {
  return candidatesSql(context, props, `game_date BETWEEN ${from} AND ${to}`, true);
}

function candidatesSql(context: string, props: string, dates: string, perDate: boolean): string {
  const books = PREFERRED_BOOKMAKERS.map((book, index) => `WHEN '${book}' THEN ${index}`).join(' ');
  const partition = perDate ? 'game_date, player_lookup' : 'player_lookup';
  return `WITH context AS (
       SELECT * FROM ${context} WHERE ${dates}
       QUALIFY ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY created_at DESC) = 1),
     lines AS (
       SELECT ${perDate ? 'game_date, ' : ''}player_lookup, CAST(points_line AS FLOAT64) AS points_line, bookmaker, minutes_before_tipoff,
         ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY CASE bookmaker ${books} END, snapshot_timestamp DESC) AS preference
       FROM ${props}
       WHERE ${dates} AND bookmaker IN (${PREFERRED_BOOKMAKERS.map((book) => `'${book}'`).join(', ')}))
     SELECT ${perDate ? 'CAST(c.game_date AS VARCHAR) AS game_date, ' : ''}c.player_lookup, c.universal_player_id, c.game_id, c.team_abbr, c.opponent_team_abbr, c.home_game, c.player_status,
       CAST(c.avg_minutes_per_game_last_7 AS FLOAT64) AS avg_minutes, c.is_production_ready,
       CAST(c.points_avg_last_5 AS FLOAT64) AS avg5, CAST(c.points_avg_last_10 AS FLOAT64) AS avg10, c.l10_games_used,
       l.points_line, l.bookmaker, l.minutes_before_tipoff
     FROM context c LEFT JOIN lines l ON ${perDate ? 'l.game_date = c.game_date AND ' : ''}l.player_lookup = c.player_lookup AND l.preference = 1
     ORDER BY ${perDate ? 'c.game_date, ' : ''}avg_minutes DESC NULLS LAST, c.player_lookup`;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

export function toPlayerCandidate(row: Record<string, unknown>): PlayerCandidate {
  return {
    playerLookup: String(row.player_lookup),
    universalPlayerId:
      row.universal_player_id === null || row.universal_player_id === undefined
        ? null
        : String(row.universal_player_id),
    gameId: String(row.game_id),
    teamAbbr: String(row.team_abbr),
    opponentTeamAbbr: String(row.opponent_team_abbr),
    isHome: Boolean(row.home_game),
    playerStatus: row.player_status === null || row.player_status === undefined ? null : String(row.player_status),
    avgMinutesLast7: numberOrNull(row.avg_minutes),
    isProductionReady: Boolean(row.is_production_ready),
    pointsAvgLast5: numberOrNull(row.avg5),
    pointsAvgLast10: numberOrNull(row.avg10),
    gamesUsedLast10: Number(row.l10_games_used),
    line: numberOrNull(row.points_line),
    bookmaker: row.bookmaker === null || row.bookmaker === undefined ? null : String(row.bookmaker),
    minutesBeforeTipoff: numberOrNull(row.minutes_before_tipoff),
  };
}

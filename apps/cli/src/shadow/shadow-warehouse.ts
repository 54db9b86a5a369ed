import type { ShadowRow } from './shadow-comparison';

/** A stored prediction as shadow reads it, with the line it was made against. */
export type StoredShadowRow = ShadowRow & { line: number | null; line_source: string | null };

/** One earlier game of a player, as the request contract carries history. */
export interface ShadowHistoryGame {
  game_date: string;
  points: number;
  minutes: number;
  opponent_team_abbr: string;
  opponent_def_rating: null;
  is_home: boolean;
}

/** What `props shadow` reads and writes: the local DuckDB warehouse or BigQuery (src/local, src/gcp). */
export interface ShadowWarehouse {
  /** Whether dataset.table exists. */
  tableExists(dataset: string, table: string): Promise<boolean>;
  /** The latest active row of each player and system on the date. */
  predictions(dataset: string, gameDate: string): Promise<StoredShadowRow[]>;
  /** Each player's stored vector on the date. */
  features(dataset: string, gameDate: string): Promise<Map<string, number[]>>;
  /** Each player's games in [since, gameDate), newest 30, oldest first. */
  history(dataset: string, gameDate: string, since: string): Promise<Map<string, ShadowHistoryGame[]>>;
  /** Creates the results table in the prefix's predictions dataset when missing and appends the rows. */
  record(prefix: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
}

/** The shared SQL; `table` names a table, `date` a DATE parameter, in the backend's words. */
export const shadowSql = {
  predictions: (table: string, date: (name: string) => string, double: string) =>
    `SELECT player_lookup, system_id, CAST(predicted_points AS ${double}) AS predicted_points,
       CAST(confidence_score AS ${double}) AS confidence_score, recommendation,
       CAST(current_points_line AS ${double}) AS line, line_source
     FROM ${table}
     WHERE game_date = ${date('game_date')} AND COALESCE(is_active, TRUE)
     QUALIFY row_number() OVER (PARTITION BY player_lookup, system_id ORDER BY created_at DESC) = 1`,
  features: (table: string, date: (name: string) => string) =>
    `SELECT player_lookup, features FROM ${table} WHERE game_date = ${date('game_date')}
     QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY created_at DESC) = 1`,
  history: (table: string, date: (name: string) => string, text: string, double: string) =>
    `SELECT player_lookup, CAST(game_date AS ${text}) AS game_date, points, CAST(minutes_played AS ${double}) AS minutes,
       opponent_team_abbr, is_home
     FROM ${table}
     WHERE game_date < ${date('game_date')} AND game_date >= ${date('since')}
     QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY game_date DESC) <= 30`,
};

export function groupHistory(rows: ReadonlyArray<Record<string, unknown>>): Map<string, ShadowHistoryGame[]> {
  const byPlayer = new Map<string, ShadowHistoryGame[]>();
  for (const row of rows) {
    const games = byPlayer.get(String(row.player_lookup)) ?? [];
    games.push({
      game_date: String(row.game_date).slice(0, 10),
      points: Number(row.points),
      minutes: Number(row.minutes),
      opponent_team_abbr: String(row.opponent_team_abbr),
      opponent_def_rating: null,
      is_home: Boolean(row.is_home),
    });
    byPlayer.set(String(row.player_lookup), games);
  }
  for (const games of byPlayer.values()) games.sort((a, b) => a.game_date.localeCompare(b.game_date));
  return byPlayer;
}

export function storedRows(rows: ReadonlyArray<Record<string, unknown>>): StoredShadowRow[] {
  return rows.map((row) => ({
    player_lookup: String(row.player_lookup),
    system_id: String(row.system_id),
    predicted_points: Number(row.predicted_points),
    confidence_score: Number(row.confidence_score),
    recommendation: String(row.recommendation),
    line: row.line === null || row.line === undefined ? null : Number(row.line),
    line_source: row.line_source === null || row.line_source === undefined ? null : String(row.line_source),
  }));
}

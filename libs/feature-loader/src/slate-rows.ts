import type { SlateQueryResult, StoredPlayerRow } from './slate-source';

/** One row of the slate query: schedule facts, a player (null when none was asked for), their features (first row only) and one history game. */
export interface FlatSlateRow {
  games_on_date: number | bigint;
  first_date: string | null;
  last_date: string | null;
  player_lookup: string | null;
  game_id: string | null;
  features: ReadonlyArray<number | null> | null;
  feature_version: string | null;
  feature_quality_score: number | null;
  history_date: string | null;
  points: number | bigint | null;
  minutes_played: number | null;
  opponent_team_abbr: string | null;
  is_home: boolean | null;
  opponent_def_rating: number | null;
}

/** Folds the flat rows (both adapters return the same shape, history oldest first) into one entry per player. */
export function slateRowsFrom(flat: readonly FlatSlateRow[]): SlateQueryResult {
  const byPlayer = new Map<string, StoredPlayerRow>();
  for (const row of flat) {
    // The schedule facts come back even when no player was asked for: one row without a player.
    if (row.player_lookup === null) continue;
    let player = byPlayer.get(row.player_lookup);
    if (!player) {
      player = { playerLookup: row.player_lookup, features: null, history: [] };
      byPlayer.set(row.player_lookup, player);
    }
    // The features ride on one row of the player's (the newest game's, or the only row).
    if (player.features === null && row.game_id !== null && row.features !== null && row.features.length > 0)
      player.features = {
        gameId: row.game_id,
        featureVersion: String(row.feature_version),
        values: row.features.map((value) => (value === null ? null : Number(value))),
        qualityScore: Number(row.feature_quality_score),
      };
    if (row.history_date !== null) {
      player.history.push({
        game_date: row.history_date,
        points: Number(row.points),
        minutes: Number(row.minutes_played),
        opponent_team_abbr: String(row.opponent_team_abbr),
        opponent_def_rating: row.opponent_def_rating === null ? null : Number(row.opponent_def_rating),
        is_home: Boolean(row.is_home),
      });
    }
  }
  const first = flat[0];
  return {
    gamesOnDate: first ? Number(first.games_on_date) : 0,
    scheduleFirstDate: first?.first_date ?? null,
    scheduleLastDate: first?.last_date ?? null,
    rows: [...byPlayer.values()],
  };
}

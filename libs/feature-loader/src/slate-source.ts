import type { HistoricalGame } from '@props/contracts';

/** One player's stored row for the date, as a source returns it (before validation). */
export interface StoredPlayerRow {
  playerLookup: string;
  /** null when the feature store has no row for the player on the date. */
  features: { gameId: string; featureVersion: string; values: Array<number | null>; qualityScore: number } | null;
  /** Games before the date, oldest first (the 30 most recent within 90 days): the request's order. */
  history: HistoricalGame[];
}

/** What one slate query answers: the schedule facts that tell "no games" from "unknown date", and the rows. */
export interface SlateQueryResult {
  gamesOnDate: number;
  scheduleFirstDate: string | null;
  scheduleLastDate: string | null;
  rows: StoredPlayerRow[];
}

/**
 * The port a warehouse adapter implements: features and recent history for a list of players
 * in ONE query. Errors that retrying cannot fix (a missing or outdated warehouse, a bad
 * dataset prefix) are ServiceErrors of a kind other than transient (isPermanentError), so no
 * fallback is attempted for them.
 */
export interface SlateSource {
  readonly name: string;
  querySlate(
    gameDate: string,
    players: readonly string[],
    options: { timeoutMs: number; historyFrom: string },
  ): Promise<SlateQueryResult>;
}

export const HISTORY_DAYS = 90;
export const HISTORY_GAMES = 30;

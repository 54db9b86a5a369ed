import { isPermanentError, ServiceError, type HistoricalGame, errorMessage } from '@props/contracts';
import { FeatureVector } from '@props/feature-vector';
import { HISTORY_DAYS, type SlateQueryResult, type SlateSource, type StoredPlayerRow } from './slate-source';

export interface LoadedPlayer {
  playerLookup: string;
  gameId: string;
  features: FeatureVector;
  /** The stored values as they were (null = the store had none), for the message to the worker. */
  storedValues: Array<number | null>;
  history: HistoricalGame[];
}

export interface SlateLoad {
  gameDate: string;
  path: 'one_query' | 'per_player';
  /** Why the one-query path was abandoned; null when it was used. */
  fallbackReason: string | null;
  players: Map<string, LoadedPlayer>;
  /** Requested players that could not be loaded, each with the reason. */
  missing: { playerLookup: string; reason: string }[];
  queries: number;
  durationMs: number;
}

export interface LoadSlateOptions {
  /** Per query; the original's batch load used 120 s. */
  timeoutMs?: number;
  /** Per query on the per-player fallback path; `timeoutMs` when absent. */
  perPlayerTimeoutMs?: number;
  /** Concurrent queries on the per-player fallback path. */
  fallbackConcurrency?: number;
  /** 'per_player' skips the one query (an operator's switch, and the benchmark's baseline). */
  mode?: 'one_query' | 'per_player';
}

export class SlateTimeoutError extends Error {
  override readonly name = 'SlateTimeoutError';
}

export class UnknownGameDateError extends ServiceError {
  override readonly name = 'UnknownGameDateError';
  constructor(message: string) {
    super('unknown_game_date', message);
  }
}

export class NoGamesOnDateError extends ServiceError {
  override readonly name = 'NoGamesOnDateError';
  constructor(message: string) {
    super('no_games_on_date', message);
  }
}

/** Neither path could load the slate: the caller must treat this as "could not load", never as "no players". */
export class SlateLoadError extends Error {
  override readonly name = 'SlateLoadError';
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SlateTimeoutError(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function historyFrom(gameDate: string): string {
  return new Date(Date.parse(`${gameDate}T00:00:00Z`) - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
}

function checkSchedule(gameDate: string, result: SlateQueryResult): void {
  if (result.gamesOnDate > 0) return;
  if (!result.scheduleFirstDate || gameDate < result.scheduleFirstDate || gameDate > (result.scheduleLastDate ?? '')) {
    const range = result.scheduleFirstDate
      ? `its schedule covers ${result.scheduleFirstDate} .. ${result.scheduleLastDate}`
      : 'its schedule is empty';
    throw new UnknownGameDateError(`game date ${gameDate} is unknown to the warehouse: ${range}`);
  }
  throw new NoGamesOnDateError(`no games are scheduled on ${gameDate}`);
}

function toLoaded(row: StoredPlayerRow): LoadedPlayer | { reason: string } {
  if (!row.features) return { reason: 'no feature row for the date' };
  try {
    const features = new FeatureVector(row.features.values, row.features.featureVersion, row.features.qualityScore);
    return {
      playerLookup: row.playerLookup,
      gameId: row.features.gameId,
      features,
      storedValues: row.features.values,
      history: row.history,
    };
  } catch (error) {
    return { reason: `invalid feature row: ${errorMessage(error)}` };
  }
}

/**
 * Every requested player's features and history for a date, in ONE query. If that query fails
 * or times out, each player is loaded on its own with bounded concurrency, and the result says
 * which path was used and why. A date outside the warehouse's schedule, a date without games, or
 * a slate neither path could load is an error, never an empty result.
 */
export async function loadSlate(
  source: SlateSource,
  gameDate: string,
  players: readonly string[],
  options: LoadSlateOptions = {},
): Promise<SlateLoad> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  const requested = [...new Set(players)];
  const load: SlateLoad = {
    gameDate,
    path: 'one_query',
    fallbackReason: null,
    players: new Map(),
    missing: [],
    queries: 0,
    durationMs: 0,
  };
  const collect = (rows: readonly StoredPlayerRow[]) => {
    for (const row of rows) {
      const loaded = toLoaded(row);
      if ('reason' in loaded) load.missing.push({ playerLookup: row.playerLookup, reason: loaded.reason });
      else load.players.set(row.playerLookup, loaded);
    }
  };
  const query = (list: readonly string[], limitMs = timeoutMs) => {
    load.queries += 1;
    return withTimeout(
      source.querySlate(gameDate, list, { timeoutMs: limitMs, historyFrom: historyFrom(gameDate) }),
      limitMs,
      `${source.name} slate query for ${gameDate} (${list.length} players)`,
    );
  };

  const loadPlayerByPlayer = async (reason: string) => {
    load.path = 'per_player';
    load.fallbackReason = reason;
    const failures: string[] = [];
    let next = 0;
    const concurrency = Math.max(1, options.fallbackConcurrency ?? 8);
    await Promise.all(
      Array.from({ length: Math.min(concurrency, requested.length) }, async () => {
        while (next < requested.length) {
          const player = requested[next++]!;
          try {
            const result = await query([player], options.perPlayerTimeoutMs ?? timeoutMs);
            checkSchedule(gameDate, result);
            collect(result.rows);
          } catch (playerError) {
            if (isPermanentError(playerError)) throw playerError;
            failures.push(`${player}: ${errorMessage(playerError)}`);
            load.missing.push({ playerLookup: player, reason: `load failed: ${errorMessage(playerError)}` });
          }
        }
      }),
    );
    if (requested.length > 0 && failures.length === requested.length) {
      throw new SlateLoadError(
        `could not load the slate of ${gameDate}: the one query failed (${reason}) and so did every per-player query (first: ${failures[0]})`,
      );
    }
  };

  if (options.mode === 'per_player') {
    await loadPlayerByPlayer('per-player loading requested by configuration');
  } else {
    try {
      const result = await query(requested);
      checkSchedule(gameDate, result);
      collect(result.rows);
    } catch (error) {
      if (isPermanentError(error)) throw error;
      await loadPlayerByPlayer(errorMessage(error));
    }
  }
  load.missing.sort((a, b) => a.playerLookup.localeCompare(b.playerLookup));
  load.durationMs = Date.now() - started;
  return load;
}

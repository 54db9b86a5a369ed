import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ML_FEATURE_STORE,
  PLAYER_GAME_SUMMARY,
  SCHEDULE,
  qualifiedTableName,
  readRowObjects,
  requireCurrentSchema,
} from '@props/warehouse';
import { HISTORY_DAYS, HISTORY_GAMES, type SlateQueryResult, type SlateSource } from '../slate-source';
import { slateRowsFrom, type FlatSlateRow } from '../slate-rows';

const OPPONENT_DEF_RATING = 14; // 1-based list index of feature 13

type FeatureRow = Pick<FlatSlateRow, 'game_id' | 'features' | 'feature_version' | 'feature_quality_score'>;
type HistoryRow = Pick<
  FlatSlateRow,
  'history_date' | 'points' | 'minutes_played' | 'opponent_team_abbr' | 'is_home' | 'opponent_def_rating'
>;

const daysBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * The slate query of DuckdbSlateSource answered for every date of a range from three queries
 * read once (the range's newest feature rows, the box scores from 90 days before its first date,
 * the schedule): each date's answer is formed in memory with the same rules (newest feature row
 * per player, the 30 most recent games within 90 days, oldest first) and folded by the same
 * slateRowsFrom, so a backfilled date loads exactly what its daily batch's query loads.
 */
export class DuckdbRangeSlateSource implements SlateSource {
  readonly name = 'duckdb-range';

  private constructor(
    private readonly from: string,
    private readonly to: string,
    private readonly gamesByDate: Map<string, number>,
    private readonly schedule: { first: string | null; last: string | null },
    private readonly features: Map<string, FeatureRow>,
    private readonly history: Map<string, HistoryRow[]>,
  ) {}

  /** Reads the range's inputs (the warehouse's schema checked once) over a connection the caller holds. */
  static async load(
    connection: DuckDBConnection,
    warehousePath: string,
    range: { from: string; to: string },
    prefix = '',
  ): Promise<DuckdbRangeSlateSource> {
    await requireCurrentSchema(connection, warehousePath);
    const store = qualifiedTableName(ML_FEATURE_STORE, prefix);
    const schedule = qualifiedTableName(SCHEDULE, prefix);
    const read = async <T>(sql: string, parameters: string[]) =>
      (await readRowObjects(await connection.run(sql, parameters))) as unknown as T[];
    const bounds = await read<{ first_date: string | null; last_date: string | null }>(
      `SELECT CAST(min(game_date) AS VARCHAR) AS first_date, CAST(max(game_date) AS VARCHAR) AS last_date FROM ${schedule}`,
      [],
    );
    const games = await read<{ game_date: string; games: bigint }>(
      `SELECT CAST(game_date AS VARCHAR) AS game_date, count(*) AS games FROM ${schedule}
       WHERE game_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) GROUP BY ALL`,
      [range.from, range.to],
    );
    const features = await read<FeatureRow & { player_lookup: string; game_date: string }>(
      `SELECT player_lookup, CAST(game_date AS VARCHAR) AS game_date, game_id, features, feature_version,
         CAST(feature_quality_score AS DOUBLE) AS feature_quality_score
       FROM ${store} WHERE game_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
       QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY created_at DESC) = 1`,
      [range.from, range.to],
    );
    const history = await read<HistoryRow & { player_lookup: string }>(
      `SELECT g.player_lookup, CAST(g.game_date AS VARCHAR) AS history_date, g.points, CAST(g.minutes_played AS DOUBLE) AS minutes_played,
         g.opponent_team_abbr, g.is_home,
         CASE WHEN h.feature_sources[${OPPONENT_DEF_RATING}] = 'computed' THEN h.features[${OPPONENT_DEF_RATING}] END AS opponent_def_rating
       FROM ${qualifiedTableName(PLAYER_GAME_SUMMARY, prefix)} g
       LEFT JOIN ${store} h ON h.player_lookup = g.player_lookup AND h.game_date = g.game_date
       WHERE g.game_date >= CAST($1 AS DATE) AND g.game_date < CAST($2 AS DATE)
       ORDER BY g.player_lookup, g.game_date`,
      [daysBefore(range.from, HISTORY_DAYS), range.to],
    );
    const byPlayer = new Map<string, HistoryRow[]>();
    for (const { player_lookup: player, ...game } of history) {
      const games = byPlayer.get(player) ?? [];
      games.push(game);
      byPlayer.set(player, games);
    }
    return new DuckdbRangeSlateSource(
      range.from,
      range.to,
      new Map(games.map((row) => [row.game_date, Number(row.games)])),
      { first: bounds[0]?.first_date ?? null, last: bounds[0]?.last_date ?? null },
      new Map(
        features.map(({ player_lookup: player, game_date: date, ...row }) => [`${player}|${date}`, row] as const),
      ),
      byPlayer,
    );
  }

  async querySlate(
    gameDate: string,
    players: readonly string[],
    options: { timeoutMs: number; historyFrom: string },
  ): Promise<SlateQueryResult> {
    if (gameDate < this.from || gameDate > this.to)
      throw new Error(`the range slate of ${this.from} .. ${this.to} was asked for ${gameDate}`);
    const facts = {
      games_on_date: this.gamesByDate.get(gameDate) ?? 0,
      first_date: this.schedule.first,
      last_date: this.schedule.last,
    };
    const nothing = { game_id: null, features: null, feature_version: null, feature_quality_score: null };
    const noGame = {
      history_date: null,
      points: null,
      minutes_played: null,
      opponent_team_abbr: null,
      is_home: null,
      opponent_def_rating: null,
    };
    const flat: FlatSlateRow[] = [];
    for (const player of [...new Set(players)].sort()) {
      const feature = this.features.get(`${player}|${gameDate}`) ?? nothing;
      const games = (this.history.get(player) ?? []).filter(
        (game) => game.history_date! >= options.historyFrom && game.history_date! < gameDate,
      );
      const recent = games.slice(-HISTORY_GAMES);
      if (recent.length === 0) flat.push({ ...facts, player_lookup: player, ...feature, ...noGame });
      // The features ride on the newest game's row, as in the one query.
      recent.forEach((game, index) =>
        flat.push({
          ...facts,
          player_lookup: player,
          ...(index === recent.length - 1 ? feature : { ...feature, features: null }),
          ...game,
        }),
      );
    }
    if (flat.length === 0) flat.push({ ...facts, player_lookup: null, ...nothing, ...noGame });
    return slateRowsFrom(flat);
  }
}

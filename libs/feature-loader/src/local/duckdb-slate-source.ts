import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ML_FEATURE_STORE,
  PLAYER_GAME_SUMMARY,
  SCHEDULE,
  classifyWarehouseError,
  qualifiedTableName,
  requireCurrentSchema,
  readRowObjects,
} from '@props/warehouse';
import { HISTORY_GAMES, type SlateQueryResult, type SlateSource } from '../slate-source';
import { slateRowsFrom, type FlatSlateRow } from '../slate-rows';

const OPPONENT_DEF_RATING = 14; // 1-based list index of feature 13

function slateSql(prefix: string): string {
  const features = qualifiedTableName(ML_FEATURE_STORE, prefix);
  return `
WITH requested AS (SELECT unnest(CAST($1 AS VARCHAR[])) AS player_lookup),
schedule_facts AS (
  SELECT count_if(game_date = CAST($2 AS DATE)) AS games_on_date, min(game_date) AS first_date, max(game_date) AS last_date
  FROM ${qualifiedTableName(SCHEDULE, prefix)}),
features AS (
  SELECT player_lookup, game_id, features, feature_version, feature_quality_score
  FROM ${features}
  WHERE game_date = CAST($2 AS DATE) AND player_lookup IN (SELECT player_lookup FROM requested)
  QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY created_at DESC) = 1),
history AS (
  SELECT g.player_lookup, g.game_date, g.points, g.minutes_played, g.opponent_team_abbr, g.is_home,
    CASE WHEN h.feature_sources[${OPPONENT_DEF_RATING}] = 'computed' THEN h.features[${OPPONENT_DEF_RATING}] END AS opponent_def_rating,
    row_number() OVER (PARTITION BY g.player_lookup ORDER BY g.game_date DESC) AS recency
  FROM ${qualifiedTableName(PLAYER_GAME_SUMMARY, prefix)} g
  LEFT JOIN ${features} h ON h.player_lookup = g.player_lookup AND h.game_date = g.game_date
  WHERE g.player_lookup IN (SELECT player_lookup FROM requested) AND g.game_date >= CAST($3 AS DATE) AND g.game_date < CAST($2 AS DATE)
  QUALIFY recency <= ${HISTORY_GAMES})
SELECT s.games_on_date, CAST(s.first_date AS VARCHAR) AS first_date, CAST(s.last_date AS VARCHAR) AS last_date, r.player_lookup,
  f.game_id, CASE WHEN h.recency IS NULL OR h.recency = 1 THEN f.features END AS features, f.feature_version,
  CAST(f.feature_quality_score AS DOUBLE) AS feature_quality_score,
  CAST(h.game_date AS VARCHAR) AS history_date, h.points, CAST(h.minutes_played AS DOUBLE) AS minutes_played, h.opponent_team_abbr, h.is_home, h.opponent_def_rating
FROM schedule_facts s LEFT JOIN requested r ON TRUE
LEFT JOIN features f ON f.player_lookup = r.player_lookup
LEFT JOIN history h ON h.player_lookup = r.player_lookup
ORDER BY r.player_lookup, h.game_date`;
}

/**
 * The slate query on the local DuckDB warehouse, over a connection the caller opened for one
 * unit of work (see withWarehouse). A query past its timeout is interrupted.
 */
export class DuckdbSlateSource implements SlateSource {
  readonly name = 'duckdb';
  private schemaChecked: boolean;

  /** `schemaChecked`: the caller already checked this connection's schema version (the start's candidates). */
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly warehousePath: string,
    private readonly prefix = '',
    options: { schemaChecked?: boolean } = {},
  ) {
    this.schemaChecked = options.schemaChecked ?? false;
  }

  async querySlate(
    gameDate: string,
    players: readonly string[],
    options: { timeoutMs: number; historyFrom: string },
  ): Promise<SlateQueryResult> {
    if (!this.schemaChecked) {
      await requireCurrentSchema(this.connection, this.warehousePath);
      this.schemaChecked = true;
    }
    // Imported here, not at the top: a static import would load DuckDB at every coordinator start, gcp included.
    const { LIST, VARCHAR, listValue } = await import('@duckdb/node-api');
    const timer = setTimeout(() => this.connection.interrupt(), options.timeoutMs);
    try {
      // Typed, so that an empty list (a date asked only for its schedule facts) binds too.
      const result = await this.connection.run(
        slateSql(this.prefix),
        [listValue([...players]), gameDate, options.historyFrom],
        [LIST(VARCHAR), VARCHAR, VARCHAR],
      );
      return slateRowsFrom((await readRowObjects(result)) as unknown as FlatSlateRow[]);
    } catch (error) {
      // A damaged file fails every query alike: permanent, so the loader does not retry player by player.
      throw classifyWarehouseError(this.warehousePath, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

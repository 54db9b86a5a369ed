import type { BigQuery } from '@google-cloud/bigquery';
import {
  ML_FEATURE_STORE,
  PLAYER_GAME_SUMMARY,
  SCHEDULE,
  datasetName,
  validateDatasetPrefix,
  type TableDefinition,
} from '@props/warehouse';
import { HISTORY_GAMES, type SlateQueryResult, type SlateSource } from '../slate-source';
import { slateRowsFrom, type FlatSlateRow } from '../slate-rows';

const OPPONENT_DEF_RATING = 13; // 0-based position of feature 13

export interface BigQuerySlateOptions {
  projectId: string;
  location: string;
  /** Test isolation: P turns nba_X into P_nba_X. */
  datasetPrefix?: string;
}

function slateSql(projectId: string, prefix: string): string {
  const table = (definition: TableDefinition) =>
    `\`${projectId}.${datasetName(definition, prefix)}.${definition.name}\``;
  return `
WITH requested AS (SELECT player_lookup FROM UNNEST(@players) AS player_lookup),
schedule_facts AS (
  SELECT COUNTIF(game_date = @game_date) AS games_on_date, MIN(game_date) AS first_date, MAX(game_date) AS last_date
  FROM ${table(SCHEDULE)}),
features AS (
  SELECT player_lookup, game_id, features, feature_version, feature_quality_score
  FROM ${table(ML_FEATURE_STORE)}
  WHERE game_date = @game_date AND player_lookup IN UNNEST(@players)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY player_lookup ORDER BY created_at DESC) = 1),
history AS (
  SELECT g.player_lookup, g.game_date, g.points, g.minutes_played, g.opponent_team_abbr, g.is_home,
    IF(h.feature_sources[SAFE_OFFSET(${OPPONENT_DEF_RATING})] = 'computed', h.features[SAFE_OFFSET(${OPPONENT_DEF_RATING})], NULL) AS opponent_def_rating,
    ROW_NUMBER() OVER (PARTITION BY g.player_lookup ORDER BY g.game_date DESC) AS recency
  FROM ${table(PLAYER_GAME_SUMMARY)} g
  LEFT JOIN ${table(ML_FEATURE_STORE)} h ON h.player_lookup = g.player_lookup AND h.game_date = g.game_date
  WHERE g.player_lookup IN UNNEST(@players) AND g.game_date >= @history_from AND g.game_date < @game_date
  QUALIFY recency <= ${HISTORY_GAMES})
SELECT s.games_on_date, CAST(s.first_date AS STRING) AS first_date, CAST(s.last_date AS STRING) AS last_date, r.player_lookup,
  f.game_id, IF(h.recency IS NULL OR h.recency = 1, f.features, NULL) AS features, f.feature_version,
  CAST(f.feature_quality_score AS FLOAT64) AS feature_quality_score,
  CAST(h.game_date AS STRING) AS history_date, h.points, CAST(h.minutes_played AS FLOAT64) AS minutes_played, h.opponent_team_abbr, h.is_home, h.opponent_def_rating
FROM schedule_facts s LEFT JOIN requested r ON TRUE
LEFT JOIN features f ON f.player_lookup = r.player_lookup
LEFT JOIN history h ON h.player_lookup = r.player_lookup
ORDER BY r.player_lookup, h.game_date`;
}

/** The slate query on BigQuery: one parameterized query job with a server-side job timeout. */
export class BigQuerySlateSource implements SlateSource {
  readonly name = 'bigquery';
  private readonly sql: string;

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQuerySlateOptions,
  ) {
    this.sql = slateSql(options.projectId, validateDatasetPrefix(options.datasetPrefix ?? ''));
  }

  async querySlate(
    gameDate: string,
    players: readonly string[],
    options: { timeoutMs: number; historyFrom: string },
  ): Promise<SlateQueryResult> {
    const [job] = await this.client.createQueryJob({
      query: this.sql,
      // A DATE parameter must be a BigQueryDate: a plain string is sent without a value.
      params: {
        players: [...players],
        game_date: this.client.date(gameDate),
        history_from: this.client.date(options.historyFrom),
      },
      types: { players: ['STRING'], game_date: 'DATE', history_from: 'DATE' },
      location: this.options.location,
      jobTimeoutMs: options.timeoutMs,
    });
    const [rows] = await job.getQueryResults({ timeoutMs: options.timeoutMs });
    return slateRowsFrom(rows as FlatSlateRow[]);
  }
}

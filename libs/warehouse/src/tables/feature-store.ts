import { BOOL, DATE, INT64, STRING, TIMESTAMP, arrayOf, numeric, nullable, required, FLOAT64, type TableDefinition } from './table-definition';

/** One v2_33features vector per player and game date. */
export const ML_FEATURE_STORE: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'ml_feature_store_v2',
  description: 'Model features per player and game date',
  key: ['player_lookup', 'game_date'],
  partitionBy: 'game_date',
  columns: [
    required('player_lookup', STRING),
    nullable('universal_player_id', STRING),
    required('game_date', DATE),
    required('game_id', STRING),
    required('features', arrayOf('FLOAT64'), 'the 33 values in v2_33features order; never NULL elements'),
    required('feature_names', arrayOf('STRING')),
    required('feature_count', INT64),
    required('feature_version', STRING),
    required('feature_quality_score', numeric(5, 2)),
    required('quality_tier', STRING),
    required('feature_sources', arrayOf('STRING'), 'per feature: computed, context or default'),
    required('opponent_team_abbr', STRING),
    required('is_home', BOOL),
    nullable('days_rest', INT64),
    required('data_source', STRING),
    required('early_season_flag', BOOL),
    nullable('completeness_percentage', FLOAT64),
    required('created_at', TIMESTAMP),
  ],
};

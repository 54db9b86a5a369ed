import {
  BOOL,
  DATE,
  FLOAT64,
  INT64,
  STRING,
  TIMESTAMP,
  numeric,
  nullable,
  required,
  type TableDefinition,
} from './table-definition';

/** Every rostered player of a team playing on the date, with the context the coordinator selects on. */
export const UPCOMING_PLAYER_GAME_CONTEXT: TableDefinition = {
  dataset: 'nba_analytics',
  name: 'upcoming_player_game_context',
  description: 'Pre-game context per player and game date (UPCG)',
  key: ['player_lookup', 'game_date'],
  partitionBy: 'game_date',
  columns: [
    required('player_lookup', STRING),
    nullable('universal_player_id', STRING),
    required('game_id', STRING),
    required('game_date', DATE),
    required('team_abbr', STRING),
    required('opponent_team_abbr', STRING),
    required('home_game', BOOL),
    nullable('days_rest', INT64, 'days since the previous game (1 = back to back); NULL with no game in 30 days'),
    required('back_to_back', BOOL),
    nullable('avg_minutes_per_game_last_7', numeric(5, 1)),
    nullable('player_status', STRING, 'lowercase injury status as the injury report stores it'),
    required('has_prop_line', BOOL),
    nullable('current_points_line', numeric(4, 1)),
    nullable('points_avg_last_5', numeric(5, 1)),
    nullable('points_avg_last_10', numeric(5, 1)),
    required('l10_games_used', INT64),
    required('season_phase', STRING),
    required('is_production_ready', BOOL),
    required('created_at', TIMESTAMP),
  ],
};

/** Player points prop lines: one row per snapshot, bookmaker and player. */
export const PLAYER_POINTS_PROPS: TableDefinition = {
  dataset: 'nba_raw',
  name: 'odds_api_player_points_props',
  description: 'Player points lines per bookmaker snapshot (opening and closing)',
  key: ['game_date', 'player_lookup', 'bookmaker', 'snapshot_timestamp'],
  partitionBy: 'game_date',
  columns: [
    required('game_id', STRING),
    required('game_date', DATE),
    required('player_lookup', STRING),
    required('player_name', STRING),
    required('bookmaker', STRING, 'lowercase key: draftkings, fanduel, betmgm, ...'),
    required('snapshot_timestamp', TIMESTAMP),
    required('snapshot_tag', STRING, 'opening or closing'),
    required('minutes_before_tipoff', INT64),
    required('points_line', numeric(4, 1)),
    nullable('over_price', FLOAT64),
    nullable('under_price', FLOAT64),
  ],
};

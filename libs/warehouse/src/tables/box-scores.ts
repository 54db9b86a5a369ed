import { BOOL, DATE, INT64, STRING, TIMESTAMP, numeric, nullable, required, type TableDefinition } from './table-definition';

/** One row per player who played in a game (PGS); actual points for grading and the players' history. */
export const PLAYER_GAME_SUMMARY: TableDefinition = {
  dataset: 'nba_analytics',
  name: 'player_game_summary',
  description: 'Per-player box score of every game a player played in',
  key: ['game_id', 'player_lookup'],
  partitionBy: 'game_date',
  columns: [
    required('player_lookup', STRING),
    nullable('universal_player_id', STRING),
    nullable('player_full_name', STRING),
    required('game_id', STRING, 'YYYYMMDD_AWAY_HOME'),
    required('game_date', DATE),
    required('team_abbr', STRING),
    required('opponent_team_abbr', STRING),
    required('is_home', BOOL),
    required('season_year', INT64, 'start year of the season (2024 for 2024-25)'),
    required('points', INT64),
    required('minutes_played', numeric(5, 1)),
    required('fg_attempts', INT64),
    required('fg_makes', INT64),
    required('three_pt_attempts', INT64),
    required('three_pt_makes', INT64),
    required('ft_attempts', INT64),
    required('ft_makes', INT64),
    required('paint_attempts', INT64),
    required('paint_makes', INT64),
    required('mid_range_attempts', INT64),
    required('mid_range_makes', INT64),
    nullable('usage_rate', numeric(6, 2)),
    required('is_active', BOOL),
    required('processed_at', TIMESTAMP),
  ],
};

/** One row per team and game: possessions-based ratings the opponent and team features read. */
export const TEAM_GAME_SUMMARY: TableDefinition = {
  dataset: 'nba_analytics',
  name: 'team_offense_game_summary',
  description: 'Per-team game summary: score, possessions, pace and ratings',
  key: ['game_id', 'team_abbr'],
  partitionBy: 'game_date',
  columns: [
    required('game_id', STRING),
    required('game_date', DATE),
    required('team_abbr', STRING),
    required('opponent_team_abbr', STRING),
    required('season_year', INT64),
    required('points', INT64),
    required('opponent_points', INT64),
    required('possessions', numeric(5, 1)),
    required('pace', numeric(5, 1)),
    required('offensive_rating', numeric(6, 2)),
    required('defensive_rating', numeric(6, 2)),
    required('win_flag', BOOL),
    required('processed_at', TIMESTAMP),
  ],
};

/** The league schedule with final scores (NBA.com game ids). */
export const SCHEDULE: TableDefinition = {
  dataset: 'nba_raw',
  name: 'nbac_schedule',
  description: 'Games of the season with their final scores',
  key: ['game_id'],
  partitionBy: 'game_date',
  columns: [
    required('game_id', STRING, 'NBA.com 10-digit id'),
    required('game_code', STRING, 'YYYYMMDD_AWAY_HOME'),
    required('game_date', DATE),
    required('season_year', INT64),
    required('season_type', STRING, 'regular, play_in, playoffs or cup_final'),
    required('home_team_abbr', STRING),
    required('away_team_abbr', STRING),
    nullable('home_team_score', INT64),
    nullable('away_team_score', INT64),
    required('game_status', STRING),
  ],
};

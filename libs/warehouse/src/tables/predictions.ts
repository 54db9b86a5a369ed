import { REJECTED_MESSAGES_TABLE } from '@props/contracts';
import {
  BOOL,
  DATE,
  FLOAT64,
  INT64,
  JSON_TYPE,
  STRING,
  TIMESTAMP,
  numeric,
  nullable,
  required,
  type TableDefinition,
} from './table-definition';

/**
 * The consolidated predictions, in the shape the rest of the platform reads (the publishing
 * exporters, orchestration functions, monitors and views: `docs/operations/cutover.md`, "Tables").
 * One row per (game_id, player_lookup, system_id, current_points_line). The columns after
 * `is_active` are the project's additions. No require_partition_filter: several consumers count
 * rows by `created_at` alone (contract §0.3).
 */
export const PLAYER_PROP_PREDICTIONS: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'player_prop_predictions',
  description: 'Predictions of every system, merged exactly once per batch',
  key: ['game_id', 'player_lookup', 'system_id', 'current_points_line'],
  partitionBy: 'game_date',
  columns: [
    required('prediction_id', STRING, 'unique per row; a re-run that replaces a row gives it a new id'),
    required('system_id', STRING),
    required('player_lookup', STRING),
    nullable('universal_player_id', STRING, 'from the game context; counted as players predicted'),
    required('game_date', DATE, 'the game date in America/New_York'),
    required('game_id', STRING, 'YYYYMMDD_AWAY_HOME, as upcoming_player_game_context'),
    required('prediction_version', INT64, 'always 1', { backfill: '1' }),
    required('predicted_points', numeric(5, 1)),
    required('confidence_score', FLOAT64, '0-1 for every system'),
    required('recommendation', STRING, 'OVER, UNDER, PASS or NO_LINE'),
    nullable('current_points_line', numeric(4, 1), 'the line used; NULL when there is none', { formerly: 'line' }),
    nullable('line_margin', FLOAT64, 'predicted_points - current_points_line, 2 dp'),
    required('has_prop_line', BOOL, 'a real sportsbook line existed', {
      backfill: "COALESCE(line_source = 'ACTUAL_PROP', FALSE)",
    }),
    nullable('line_source', STRING, 'ACTUAL_PROP, ESTIMATED_AVG, NEEDS_BOOTSTRAP or NO_LINE'),
    nullable('line_source_api', STRING, 'ODDS_API for a sportsbook line'),
    nullable('sportsbook', STRING, 'upper-case book name'),
    nullable('estimated_line_value', numeric(4, 1), 'set only when line_source is ESTIMATED_AVG'),
    nullable('pace_adjustment', numeric(5, 2), 'similarity system only'),
    nullable('similar_games_count', INT64, 'similarity system only'),
    nullable('key_factors', JSON_TYPE, 'never written (NULL), as the original'),
    required(
      'is_actionable',
      BOOL,
      'FALSE only for the 0.88-0.90 confidence tier (the health alert counts FALSE as filtered)',
    ),
    nullable('filter_reason', STRING, "'confidence_tier_88_90' or NULL"),
    required('model_version', STRING),
    nullable('scoring_tier', STRING, 'written only by the Python backfill'),
    nullable('adjusted_points', FLOAT64, 'written only by the Python backfill'),
    nullable('injury_status_at_prediction', STRING, 'upper-case report status when the request was made'),
    nullable('injury_flag_at_prediction', BOOL, 'OUT, DOUBTFUL or QUESTIONABLE when the request was made'),
    nullable('injury_reason_at_prediction', STRING),
    nullable('injury_checked_at', TIMESTAMP),
    required('is_active', BOOL, 'TRUE on every current row', { backfill: 'TRUE' }),
    required('created_at', TIMESTAMP, 'first insert; a re-run keeps it'),
    nullable('updated_at', TIMESTAMP, 'set when a re-run replaces the row; NULL on first insert'),
    required('batch_id', STRING, 'the batch that wrote the row'),
    required('message_id', STRING, 'the request that produced it'),
    nullable('feature_quality_score', FLOAT64),
    required('is_fallback', BOOL, 'the system fell back instead of using its model'),
    nullable('details', STRING, "the system's own explanation, JSON text"),
    required('fencing_token', INT64, 'the lock lease under which the row was merged'),
  ],
};

/**
 * Graded predictions, as the publishing exporters and aggregations read them (contract §2): one
 * row per prediction of a real prop line, after the game. The last columns are the project's.
 */
export const PREDICTION_ACCURACY: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'prediction_accuracy',
  description: 'Predictions graded against the box scores',
  key: ['game_id', 'player_lookup', 'system_id', 'line_value'],
  partitionBy: 'game_date',
  columns: [
    required('player_lookup', STRING),
    required('game_id', STRING),
    required('game_date', DATE),
    required('system_id', STRING),
    nullable('team_abbr', STRING, 'from the box score'),
    nullable('opponent_team_abbr', STRING, 'from the box score'),
    required('predicted_points', numeric(5, 1)),
    required('confidence_score', numeric(4, 3), '0-1'),
    required('confidence_decile', INT64, 'min(10, floor(confidence * 10) + 1)'),
    required('recommendation', STRING),
    nullable('line_value', numeric(4, 1), "the prediction's current_points_line"),
    nullable('referee_adjustment', FLOAT64, 'always NULL, as the original'),
    nullable('pace_adjustment', FLOAT64),
    nullable('similarity_sample_size', INT64),
    nullable('actual_points', INT64),
    nullable('minutes_played', numeric(5, 1)),
    nullable('absolute_error', numeric(5, 1), '|predicted - actual|'),
    nullable('signed_error', numeric(5, 1), 'predicted - actual: positive means over-predicted'),
    nullable('predicted_margin', numeric(5, 1), 'predicted - line'),
    nullable('actual_margin', numeric(5, 1), 'actual - line'),
    nullable('prediction_correct', BOOL, 'NULL for PASS/NO_LINE, no line, or a push; not nulled by voiding'),
    nullable('within_3_points', BOOL),
    nullable('within_5_points', BOOL),
    required('is_voided', BOOL, '0 points and no minutes (DNP)'),
    nullable('void_reason', STRING, 'dnp_injury_confirmed, dnp_late_scratch or dnp_unknown'),
    nullable('pre_game_injury_flag', BOOL),
    nullable('pre_game_injury_status', STRING),
    nullable('injury_confirmed_postgame', BOOL),
    required('model_version', STRING),
    nullable('has_prop_line', BOOL),
    nullable('line_source', STRING),
    nullable('estimated_line_value', numeric(4, 1)),
    nullable('is_actionable', BOOL),
    nullable('filter_reason', STRING),
    required('graded_at', TIMESTAMP),
    required('is_push', BOOL, 'actual points equal the line'),
  ],
};

/** The grading run's daily aggregation per system (the original's system_daily_performance). */
export const SYSTEM_DAILY_PERFORMANCE: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'system_daily_performance',
  description: 'Per game date and system: counts, win rates and errors of the graded predictions',
  key: ['game_date', 'system_id'],
  partitionBy: 'game_date',
  columns: [
    required('game_date', DATE),
    required('system_id', STRING),
    required('predictions_count', INT64, 'every graded row'),
    required('recommendations_count', INT64, 'OVER and UNDER'),
    required('correct_count', INT64),
    required('incorrect_count', INT64),
    required('pass_count', INT64),
    nullable('win_rate', FLOAT64, 'correct / (OVER + UNDER); pushes and voided stay in the denominator'),
    nullable('mae', FLOAT64),
    nullable('avg_bias', FLOAT64, 'mean signed error'),
    required('over_count', INT64),
    required('over_correct', INT64),
    nullable('over_win_rate', FLOAT64),
    required('under_count', INT64),
    required('under_correct', INT64),
    nullable('under_win_rate', FLOAT64),
    required('within_3_count', INT64),
    nullable('within_3_pct', FLOAT64),
    required('within_5_count', INT64),
    nullable('within_5_pct', FLOAT64),
    nullable('avg_confidence', FLOAT64),
    required('high_confidence_count', INT64, 'confidence >= 0.70'),
    required('high_confidence_correct', INT64),
    nullable('high_confidence_win_rate', FLOAT64),
    required('computed_at', TIMESTAMP),
  ],
};

/** The local runtime's fence per game date: the newest fencing token that consolidated it. */
export const CONSOLIDATION_FENCES: TableDefinition = {
  dataset: 'nba_orchestration',
  name: 'consolidation_fences',
  description: 'Newest fencing token used to consolidate each game date',
  key: ['game_date'],
  columns: [required('game_date', DATE), required('token', INT64)],
};

/** The local runtime's record of each batch: what ran, its coverage and the lease it merged under. */
export const PREDICTION_BATCHES: TableDefinition = {
  dataset: 'nba_orchestration',
  name: 'prediction_batches',
  description: 'One row per consolidated batch',
  key: ['batch_id'],
  columns: [
    required('batch_id', STRING),
    required('game_date', DATE),
    required('players_expected', INT64),
    required('players_completed', INT64),
    required('rows_merged', INT64),
    required('fencing_token', INT64),
    required('load_path', STRING),
    required('consolidated_at', TIMESTAMP),
  ],
};

/** Push messages the services acknowledged without processing (the shape of @props/contracts' RejectedMessage). */
export const REJECTED_MESSAGES: TableDefinition = {
  dataset: 'nba_predictions',
  name: REJECTED_MESSAGES_TABLE,
  description: 'Push messages that can never be processed: acknowledged, recorded for an operator to fix and replay',
  key: ['rejected_at', 'service'],
  columns: [
    required('rejected_at', TIMESTAMP),
    required('service', STRING),
    nullable('subscription', STRING),
    nullable('delivery_id', STRING),
    nullable('message_id', STRING),
    required('field', STRING),
    required('problem', STRING),
    required('body', STRING),
  ],
};

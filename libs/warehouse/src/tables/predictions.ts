import { REJECTED_MESSAGES_TABLE } from '@props/contracts';
import { BOOL, DATE, FLOAT64, INT64, STRING, TIMESTAMP, numeric, nullable, required, type TableDefinition } from './table-definition';

/** The consolidated predictions: one row per (game_id, player_lookup, system_id, line). */
export const PLAYER_PROP_PREDICTIONS: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'player_prop_predictions',
  description: 'Predictions of every system, merged exactly once per batch',
  key: ['game_id', 'player_lookup', 'system_id', 'line'],
  partitionBy: 'game_date',
  requirePartitionFilter: true,
  columns: [
    required('prediction_id', STRING),
    required('batch_id', STRING),
    required('message_id', STRING),
    required('system_id', STRING),
    required('model_version', STRING),
    required('player_lookup', STRING),
    required('game_id', STRING),
    required('game_date', DATE),
    nullable('line', numeric(4, 1)),
    nullable('line_source', STRING),
    nullable('sportsbook', STRING),
    required('predicted_points', numeric(5, 1)),
    required('confidence_score', FLOAT64, '0-1 for every system'),
    required('recommendation', STRING),
    nullable('line_margin', FLOAT64),
    required('is_actionable', BOOL),
    nullable('filter_reason', STRING),
    nullable('feature_quality_score', FLOAT64),
    required('is_fallback', BOOL),
    nullable('details', STRING),
    required('created_at', TIMESTAMP),
    required('fencing_token', INT64, 'the lock lease under which the row was merged'),
  ],
};

/** Graded predictions: one row per prediction of a real prop line, after the game. */
export const PREDICTION_ACCURACY: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'prediction_accuracy',
  description: 'Predictions graded against the box scores',
  key: ['game_id', 'player_lookup', 'system_id', 'line_value'],
  partitionBy: 'game_date',
  requirePartitionFilter: true,
  columns: [
    required('player_lookup', STRING),
    required('game_id', STRING),
    required('game_date', DATE),
    required('system_id', STRING),
    required('model_version', STRING),
    required('predicted_points', numeric(5, 1)),
    required('confidence_score', numeric(4, 3)),
    required('confidence_decile', INT64),
    required('recommendation', STRING),
    nullable('line_value', numeric(4, 1)),
    nullable('actual_points', INT64),
    nullable('minutes_played', numeric(5, 1)),
    nullable('absolute_error', numeric(5, 1)),
    nullable('signed_error', numeric(5, 1)),
    nullable('prediction_correct', BOOL),
    required('is_push', BOOL),
    required('is_voided', BOOL),
    nullable('void_reason', STRING),
    required('graded_at', TIMESTAMP),
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

import { PLAYER_GAME_SUMMARY, SCHEDULE, TEAM_GAME_SUMMARY } from './box-scores';
import { PLAYER_POINTS_PROPS, UPCOMING_PLAYER_GAME_CONTEXT } from './context-and-lines';
import { ML_FEATURE_STORE } from './feature-store';
import {
  CONSOLIDATION_FENCES,
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  PREDICTION_BATCHES,
  REJECTED_MESSAGES,
  SYSTEM_DAILY_PERFORMANCE,
} from './predictions';
import type { TableDefinition } from './table-definition';

/** Bumped whenever a table definition changes; a local warehouse of another version is refused. */
export const WAREHOUSE_SCHEMA_VERSION = 5;

export const WAREHOUSE_TABLES: readonly TableDefinition[] = [
  SCHEDULE,
  PLAYER_GAME_SUMMARY,
  TEAM_GAME_SUMMARY,
  UPCOMING_PLAYER_GAME_CONTEXT,
  PLAYER_POINTS_PROPS,
  ML_FEATURE_STORE,
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  SYSTEM_DAILY_PERFORMANCE,
  CONSOLIDATION_FENCES,
  PREDICTION_BATCHES,
  REJECTED_MESSAGES,
];

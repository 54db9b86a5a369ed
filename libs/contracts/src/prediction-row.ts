import * as z from 'zod';
import { GameDateSchema } from './game-date';

/**
 * One staged output row, in the consumer shape of `nba_predictions.player_prop_predictions`
 * (the table's columns but the two consolidation sets: `updated_at` and `fencing_token`).
 */
export const PredictionRowSchema = z.object({
  prediction_id: z.string().min(1),
  system_id: z.string().min(1),
  player_lookup: z.string().min(1),
  universal_player_id: z.string().nullable(),
  game_date: GameDateSchema,
  game_id: z.string().min(1),
  prediction_version: z.literal(1),
  predicted_points: z.number().min(0).max(60),
  /** 0-1 for every system. */
  confidence_score: z.number().min(0).max(1),
  recommendation: z.enum(['OVER', 'UNDER', 'PASS', 'NO_LINE']),
  /** The prop line at one decimal, or null for a player without one. */
  current_points_line: z.number().min(0).nullable(),
  line_margin: z.number().nullable(),
  has_prop_line: z.boolean(),
  line_source: z.string(),
  line_source_api: z.string().nullable(),
  sportsbook: z.string().nullable(),
  estimated_line_value: z.number().min(0).nullable(),
  pace_adjustment: z.number().nullable(),
  similar_games_count: z.number().int().min(0).nullable(),
  key_factors: z.null(),
  is_actionable: z.boolean(),
  filter_reason: z.string().nullable(),
  model_version: z.string().min(1, 'every row carries a model_version'),
  scoring_tier: z.null(),
  adjusted_points: z.null(),
  injury_status_at_prediction: z.string().nullable(),
  injury_flag_at_prediction: z.boolean().nullable(),
  injury_reason_at_prediction: z.string().nullable(),
  injury_checked_at: z.string().nullable(),
  is_active: z.literal(true),
  created_at: z.string(),
  batch_id: z.string().min(1),
  message_id: z.string().min(1),
  feature_quality_score: z.number().min(0).max(100),
  is_fallback: z.boolean(),
  details: z.string(),
});
export type PredictionRow = z.infer<typeof PredictionRowSchema>;

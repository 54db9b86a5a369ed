import { z } from 'zod';
import { GameDateSchema } from './game-date';

/** One system's prediction for one player and line, as staged and as stored in the predictions table. */
export const PredictionRowSchema = z.object({
  prediction_id: z.string().min(1),
  batch_id: z.string().min(1),
  message_id: z.string().min(1),
  system_id: z.string().min(1),
  model_version: z.string().min(1, 'every row carries a model_version'),
  player_lookup: z.string().min(1),
  game_id: z.string().min(1),
  game_date: GameDateSchema,
  /** The prop line at one decimal, or null for a player without one. */
  line: z.number().min(0).nullable(),
  line_source: z.string(),
  sportsbook: z.string().nullable(),
  predicted_points: z.number().min(0).max(60),
  /** 0-1 for every system. */
  confidence_score: z.number().min(0).max(1),
  recommendation: z.enum(['OVER', 'UNDER', 'PASS', 'NO_LINE']),
  line_margin: z.number().nullable(),
  is_actionable: z.boolean(),
  filter_reason: z.string().nullable(),
  feature_quality_score: z.number().min(0).max(100),
  is_fallback: z.boolean(),
  details: z.string(),
  created_at: z.string(),
});
export type PredictionRow = z.infer<typeof PredictionRowSchema>;

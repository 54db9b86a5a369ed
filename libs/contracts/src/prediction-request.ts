import { z } from 'zod';
import { DatasetPrefixSchema } from './dataset-prefix';
import { GameDateSchema } from './game-date';

/**
 * Bounds on what a request may carry, from what the coordinator sends with a margin: it sends at
 * most 30 earlier games (90 days), 33 feature values, one line. Anything bigger is not ours.
 */
const REQUEST_LIMITS = { historyGames: 60, featureValues: 64, lines: 5, text: 64 } as const;

export const LineSourceSchema = z.enum(['ACTUAL_PROP', 'ESTIMATED_AVG', 'NEEDS_BOOTSTRAP']);

export const FeaturePayloadSchema = z.object({
  feature_version: z.string().min(1).max(REQUEST_LIMITS.text),
  /** The 33 values in v2_33features order; null marks a value the store did not have. */
  values: z.array(z.number().finite().nullable()).max(REQUEST_LIMITS.featureValues),
  quality_score: z.number().finite().min(0).max(100),
});

export const HistoricalGameSchema = z.object({
  game_date: GameDateSchema,
  points: z.number().finite().min(0),
  minutes: z.number().finite().min(0),
  opponent_team_abbr: z.string().min(2).max(4),
  /** The opponent's defensive rating going into that game, when the warehouse has it. */
  opponent_def_rating: z.number().finite().min(50).max(200).nullable(),
  is_home: z.boolean(),
});

/** The player's injury report status when the coordinator made the request (none: not on the report). */
export const InjuryAtRequestSchema = z.object({
  status: z.string().max(REQUEST_LIMITS.text),
  reason: z.string().max(200).nullable(),
  checked_at: z.string().max(40),
});

/** One player's work item: everything the worker needs, so it never queries the warehouse. */
export const PredictionRequestSchema = z.object({
  batch_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected letters, digits, _ or -'),
  player_lookup: z.string().regex(/^[a-z0-9]{1,64}$/, 'expected a normalised lookup (lowercase letters and digits)'),
  universal_player_id: z.string().max(REQUEST_LIMITS.text).nullable().default(null),
  game_id: z.string().min(1).max(64),
  game_date: GameDateSchema,
  team_abbr: z.string().min(2).max(4),
  opponent_team_abbr: z.string().min(2).max(4),
  is_home: z.boolean(),
  line_values: z.array(z.number().finite().min(0).max(100)).max(REQUEST_LIMITS.lines),
  line_source: LineSourceSchema,
  sportsbook: z.string().max(REQUEST_LIMITS.text).nullable(),
  dataset_prefix: DatasetPrefixSchema,
  features: FeaturePayloadSchema,
  history: z.array(HistoricalGameSchema).max(REQUEST_LIMITS.historyGames),
  injury: InjuryAtRequestSchema.nullable().default(null),
});
export type PredictionRequest = z.infer<typeof PredictionRequestSchema>;
export type HistoricalGame = z.infer<typeof HistoricalGameSchema>;

import * as z from 'zod';
import { DatasetPrefixSchema } from './dataset-prefix';
import { GameDateSchema } from './game-date';
import { MAX_PLAYERS_PER_MESSAGE, groupProblem } from './one-or-group';

/**
 * Bounds on what a request may carry, from what the coordinator sends with a margin: it sends at
 * most 30 earlier games (90 days), 33 feature values, one line. Anything bigger is not ours.
 */
export const REQUEST_LIMITS = { historyGames: 60, featureValues: 64, lines: 5, text: 64 } as const;

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

/**
 * The one history order: games strictly before the game date, oldest first (each date after the
 * one before it). Returns the first game that breaks it, or null. The slate adapters produce this
 * order, the coordinator checks it when it forms a request and the worker refuses a request that
 * breaks it: the similarity system reads the last game as the most recent, so another order would
 * silently change what it predicts.
 */
export function historyOrderProblem(
  history: ReadonlyArray<{ game_date: string }>,
  gameDate: string,
): { index: number; message: string } | null {
  for (const [index, game] of history.entries()) {
    if (game.game_date >= gameDate)
      return { index, message: `${game.game_date} is not before the game date ${gameDate}` };
    const previous = history[index - 1];
    if (previous && game.game_date <= previous.game_date)
      return {
        index,
        message: `expected games oldest first, got ${game.game_date} after ${previous.game_date}`,
      };
  }
  return null;
}

/** One player's work item: everything the worker needs, so it never queries the warehouse. */
export const PredictionRequestSchema = z
  .object({
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
    /** The player's games before game_date, oldest first (historyOrderProblem). */
    history: z.array(HistoricalGameSchema).max(REQUEST_LIMITS.historyGames),
    injury: InjuryAtRequestSchema.nullable().default(null),
  })
  .superRefine((request, context) => {
    const problem = historyOrderProblem(request.history, request.game_date);
    if (problem)
      context.addIssue({ code: 'custom', path: ['history', problem.index, 'game_date'], message: problem.message });
  });
export type PredictionRequest = z.infer<typeof PredictionRequestSchema>;
export type HistoricalGame = z.infer<typeof HistoricalGameSchema>;

/** Several players' requests of one batch in one message: one push, one staging pass, one completion. */
export const PredictionRequestGroupSchema = z
  .object({ requests: z.array(PredictionRequestSchema).min(1).max(MAX_PLAYERS_PER_MESSAGE) })
  .superRefine((group, context) => {
    const problem = groupProblem(group.requests);
    if (problem)
      context.addIssue({ code: 'custom', path: ['requests', problem.index, problem.field], message: problem.message });
    // zod runs this even when the array failed its own checks: an empty group has no first prefix.
    if (group.requests.length === 0) return;
    const prefix = group.requests[0]!.dataset_prefix;
    const other = group.requests.findIndex((request) => request.dataset_prefix !== prefix);
    if (other >= 0)
      context.addIssue({
        code: 'custom',
        path: ['requests', other, 'dataset_prefix'],
        message: `expected the group's dataset prefix "${prefix}"`,
      });
  });
export type PredictionRequestGroup = z.infer<typeof PredictionRequestGroupSchema>;

export type PredictionMessage = PredictionRequest | PredictionRequestGroup;

/** The requests a prediction message carries, in order. */
export function requestsOf(message: PredictionMessage): PredictionRequest[] {
  return 'requests' in message ? message.requests : [message];
}

/** A player's request's logical id, which keys its staging and its re-publish. */
export function requestMessageId(request: { batch_id: string; player_lookup: string }): string {
  return `${request.batch_id}.${request.player_lookup}`;
}

/**
 * A group's logical id: its batch, first player and size (at most 128 + 64 + 4 characters, within
 * the attribute's 200). Never equal to a player's id, which has one dot.
 */
export function requestGroupId(requests: ReadonlyArray<{ batch_id: string; player_lookup: string }>): string {
  return `${requestMessageId(requests[0]!)}.${requests.length}`;
}

import { z } from 'zod';
import { GameDateSchema } from './game-date';

/** What the worker publishes when a player's request is finished, staged or skipped for good. */
export const CompletionEventSchema = z.object({
  batch_id: z.string().min(1),
  player_lookup: z.string().min(1),
  game_date: GameDateSchema,
  message_id: z.string().min(1),
  outcome: z.enum(['staged', 'skipped']),
  rows_staged: z.number().int().min(0),
  skip_reason: z.string().nullable(),
  worker_instance: z.string(),
  timestamp: z.string(),
});
export type CompletionEvent = z.infer<typeof CompletionEventSchema>;

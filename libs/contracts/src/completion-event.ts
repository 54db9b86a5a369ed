import * as z from 'zod';
import { GameDateSchema } from './game-date';

/** What the worker publishes when a player's request is finished, staged or skipped for good. */
export const CompletionEventSchema = z.object({
  batch_id: z.string().min(1).max(128),
  player_lookup: z.string().min(1).max(64),
  game_date: GameDateSchema,
  message_id: z.string().min(1).max(200),
  outcome: z.enum(['staged', 'skipped']),
  rows_staged: z.number().int().min(0).max(1000),
  skip_reason: z.string().max(2000).nullable(),
  worker_instance: z.string().max(200),
  timestamp: z.string().max(40),
});
export type CompletionEvent = z.infer<typeof CompletionEventSchema>;

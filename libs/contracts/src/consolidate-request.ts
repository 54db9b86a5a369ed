import { z } from 'zod';
import { GameDateSchema } from './game-date';

export const ConsolidateRequestSchema = z.strictObject({
  batch_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected letters, digits, _ or -'),
  game_date: GameDateSchema,
});
export type ConsolidateRequest = z.infer<typeof ConsolidateRequestSchema>;

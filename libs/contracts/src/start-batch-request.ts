import { z } from 'zod';
import { GameDateSchema } from './game-date';

export const StartBatchRequestSchema = z.strictObject({
  game_date: z.union([GameDateSchema, z.enum(['TODAY', 'TOMORROW'])], {
    error: 'expected YYYY-MM-DD, TODAY or TOMORROW (America/New_York)',
  }),
  force: z.boolean().default(false),
  dataset_prefix: z.string().regex(/^[A-Za-z0-9_]{0,64}$/, 'expected up to 64 letters, digits and underscores').default(''),
});
export type StartBatchRequest = z.infer<typeof StartBatchRequestSchema>;

import * as z from 'zod';
import { GameDateSchema } from './game-date';
import { MAX_PLAYERS_PER_MESSAGE, groupProblem, oneOrGroup } from './one-or-group';

/** The longest skip reason a completion carries; the worker cuts a longer one. */
export const COMPLETION_SKIP_REASON_LIMIT = 2000;

/** What the worker publishes when a player's request is finished, staged or skipped for good. */
export const CompletionEventSchema = z.object({
  batch_id: z.string().min(1).max(128),
  player_lookup: z.string().min(1).max(64),
  game_date: GameDateSchema,
  message_id: z.string().min(1).max(200),
  outcome: z.enum(['staged', 'skipped']),
  rows_staged: z.number().int().min(0).max(1000),
  skip_reason: z.string().max(COMPLETION_SKIP_REASON_LIMIT).nullable(),
  worker_instance: z.string().max(200),
  timestamp: z.string().max(40),
});
export type CompletionEvent = z.infer<typeof CompletionEventSchema>;

/** The completions of one group message's players, published as one event. */
export const CompletionGroupEventSchema = z
  .object({ completions: z.array(CompletionEventSchema).min(1).max(MAX_PLAYERS_PER_MESSAGE) })
  .superRefine((group, context) => {
    const problem = groupProblem(group.completions);
    if (problem)
      context.addIssue({
        code: 'custom',
        path: ['completions', problem.index, problem.field],
        message: problem.message,
      });
  });
export type CompletionGroupEvent = z.infer<typeof CompletionGroupEventSchema>;

/** What the coordinator's /complete accepts: one player's completion, or a group's. */
export const CompletionMessageSchema = oneOrGroup(CompletionEventSchema, 'completions', CompletionGroupEventSchema);
export type CompletionMessage = CompletionEvent | CompletionGroupEvent;

/** The completions a completion message carries, in order. */
export function completionsOf(message: CompletionMessage): CompletionEvent[] {
  return 'completions' in message ? message.completions : [message];
}

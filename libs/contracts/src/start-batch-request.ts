import * as z from 'zod';
import { DatasetPrefixSchema } from './dataset-prefix';
import { GameDateSchema } from './game-date';

const RelativeDateSchema = z.string().transform((value, context) => {
  const upper = value.toUpperCase();
  if (upper === 'TODAY' || upper === 'TOMORROW') return upper;
  const parsed = GameDateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  context.addIssue({ code: 'custom', message: 'expected YYYY-MM-DD, TODAY or TOMORROW (America/New_York)' });
  return z.NEVER;
});

/** What `/start` honours; `docs/operations/cutover.md` "Callers" lists the callers that send each field. */
const START_FIELDS = {
  /** Absent: today in America/New_York (the original used the container's date). */
  game_date: RelativeDateSchema.default('TODAY'),
  force: z.boolean().default(false),
  dataset_prefix: DatasetPrefixSchema,
  /** Players under this many minutes (last 7 days) without a line are left out; the regeneration scripts send 0. */
  min_minutes: z.number().min(0).max(48).default(15),
  /** Logged and carried into the batch's completion message, as the original. */
  correlation_id: z.string().max(200).optional(),
  trigger_source: z.string().max(200).optional(),
  parent_processor: z.string().max(200).optional(),
  /** Accepted as the original accepts them; the batch still predicts one line per player (logged). */
  use_multiple_lines: z.boolean().optional(),
  /** The historical backfill script sends a range the original ignored; ignored here too, and logged. */
  start_date: z.string().max(20).optional(),
  end_date: z.string().max(20).optional(),
} as const;

/**
 * The `/start` body every existing caller sends (schedulers `{"force": true}`, the phase-4
 * orchestrator's `{game_date, correlation_id, trigger_source}`, self-heal, the admin dashboard,
 * the regeneration scripts' `min_minutes`): known fields are checked, unknown ones are kept for
 * the caller to log, never refused.
 */
export const StartBatchRequestSchema = z.looseObject(START_FIELDS);
export type StartBatchRequest = z.infer<typeof StartBatchRequestSchema>;

/** The fields of a parsed body `/start` does not know: logged, never refused. */
export function unknownStartFields(body: Record<string, unknown>): string[] {
  return Object.keys(body).filter((key) => !Object.hasOwn(START_FIELDS, key));
}

import * as z from 'zod';

/**
 * The body of the coordinator's `POST /check-stalled`. The original's scheduler job sends
 * `{"stall_threshold_minutes": 10, "min_completion_pct": 95.0}` (docs/operations/cutover.md,
 * "Callers"), honoured here; `props run` names its batch and forces the check.
 */
export const CheckStalledRequestSchema = z.object({
  batch_id: z.string().max(200).optional(),
  force: z.boolean().default(false),
  stall_threshold_minutes: z.number().positive().max(1440).optional(),
  min_completion_pct: z.number().min(0).max(100).optional(),
});
/** What a caller sends (`force` may be left out). */
export type CheckStalledRequest = z.input<typeof CheckStalledRequestSchema>;

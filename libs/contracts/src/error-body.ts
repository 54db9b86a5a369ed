import * as z from 'zod';

/** Every error reply of every service: what went wrong for the caller, its stable code, and for an invalid request the field and the problem. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  code: z.string(),
  field: z.string().optional(),
  problem: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

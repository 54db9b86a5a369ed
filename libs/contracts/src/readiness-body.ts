import * as z from 'zod';

/**
 * One readiness check as `/health/ready` reports it, to anyone who asks: what is wrong as a stable
 * short word (`unreachable`, `damaged`, `schema_outdated`, ...), never a path, a URL or a driver's
 * message (the service logs those with the same check name).
 */
export const ReadinessCheckReportSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'degraded', 'failed']),
  problem: z.string().optional(),
});
export type ReadinessCheckReport = z.infer<typeof ReadinessCheckReportSchema>;

/** Every service's `GET /health/ready` answer. */
export const ReadinessBodySchema = z.object({
  /** 503 only when failed. */
  status: z.enum(['ok', 'degraded', 'failed']),
  service: z.string(),
  commit: z.string(),
  built_at: z.string(),
  checked_at: z.string(),
  checks: z.array(ReadinessCheckReportSchema),
});
export type ReadinessBody = z.infer<typeof ReadinessBodySchema>;

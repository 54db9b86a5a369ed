import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadinessBody } from '@props/contracts';
import { LogEvent } from '@props/observability';
import type { BuildInfo } from './build-info';
import { CachedReadiness } from './cached-readiness';
import { overallStatus, publicReport, type ReadinessCheck } from './check';

/**
 * `/health` says the process is alive; `/health/ready` answers the readiness checks from a
 * snapshot refreshed every `refreshMs` while the service listens (`checked_at` says when).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  checks: readonly ReadinessCheck[],
  build: BuildInfo,
  refreshMs?: number,
): void {
  const readiness = new CachedReadiness(checks, refreshMs);
  app.addHook('onListen', async () => readiness.startSchedule());
  app.addHook('onClose', async () => readiness.stopSchedule());
  app.get('/health', async () => ({ status: 'alive', service: build.service, commit: build.commit }));
  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<ReadinessBody> => {
    const { reports, checkedAt } = await readiness.current();
    const status = overallStatus(reports);
    if (status !== 'ok') {
      // The details (paths, URLs, the driver's words) go to the log only; the body names the problem.
      const failing = reports
        .filter((report) => report.status !== 'ok')
        .map((report) => `${report.name}: ${report.detail}`);
      request.log.warn(
        { event: LogEvent.readinessDegraded, status, checks: failing },
        `readiness ${status}: ${failing.join('; ')}`,
      );
    }
    reply.code(status === 'failed' ? 503 : 200);
    return {
      status,
      service: build.service,
      commit: build.commit,
      built_at: build.builtAt,
      checked_at: checkedAt.toISOString(),
      checks: reports.map(publicReport),
    };
  };
  app.get('/health/ready', answer);
  // The original platform's phase-4 orchestrator probes `/ready` and counts 200 or 503 with status
  // ready, degraded or healthy as up (docs/operations/cutover.md, "Callers").
  app.get('/ready', async (request, reply) => {
    const body = await answer(request, reply);
    return { ...body, status: body.status === 'ok' ? 'ready' : body.status };
  });
}

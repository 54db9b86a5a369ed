import type { FastifyInstance } from 'fastify';
import { LogEvent } from '@props/observability';
import type { BuildInfo } from './build-info';
import { overallStatus, runChecks, type ReadinessCheck } from './check';

/** `/health` says the process is alive; `/health/ready` runs every readiness check. */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[], build: BuildInfo): void {
  app.get('/health', async () => ({ status: 'alive', service: build.service, commit: build.commit }));
  app.get('/health/ready', async (request, reply) => {
    const reports = await runChecks(checks);
    const status = overallStatus(reports);
    if (status !== 'ok') {
      const failing = reports.filter((report) => report.status !== 'ok').map((report) => `${report.name}: ${report.detail}`);
      request.log.warn({ event: LogEvent.readinessDegraded, status, checks: failing }, `readiness ${status}`);
    }
    reply.code(status === 'failed' ? 503 : 200);
    return { status, service: build.service, commit: build.commit, built_at: build.builtAt, checks: reports };
  });
}

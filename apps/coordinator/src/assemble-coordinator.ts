import fastify, { type FastifyBaseLogger } from 'fastify';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { createLogger } from '@props/observability';
import { NdjsonStagingStore } from '@props/prediction-store';
import { buildInfo, registerHealthRoutes, type AssembledService, type ReadinessCheck } from '@props/service-runtime';
import { loadCoordinatorConfig } from './coordinator-config';
import { warehouseReadinessCheck } from '@props/consolidation';
import { registerConsolidateRoute } from './consolidate-route';
import { registerStartRoute } from './start-route';

export async function assembleCoordinator(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadCoordinatorConfig(env);
  const logger = createLogger({ service: 'coordinator', level: config.logLevel });
  const app = fastify({ loggerInstance: logger as FastifyBaseLogger });
  const checks: ReadinessCheck[] = [
    { name: 'configuration', run: () => ({ status: 'ok', detail: `backend=${config.backend} port=${config.port}` }) },
    warehouseReadinessCheck(config.warehousePath),
  ];
  registerHealthRoutes(app, checks, buildInfo('coordinator'));
  registerStartRoute(app);
  registerConsolidateRoute(app, {
    staging: new NdjsonStagingStore(config.stagingDir),
    lock: new DistributedLock(new LocalLockBackend(config.lockDir)),
    warehousePath: config.warehousePath,
  });
  return { app, checks, logger, port: config.port, host: config.host };
}

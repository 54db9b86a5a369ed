import fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '@props/observability';
import { buildInfo, registerHealthRoutes, type AssembledService, type ReadinessCheck } from '@props/service-runtime';
import { loadCoordinatorConfig } from './coordinator-config';
import { duckdbCheck } from './local/duckdb-check';
import { registerStartRoute } from './start-route';

export async function assembleCoordinator(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadCoordinatorConfig(env);
  const logger = createLogger({ service: 'coordinator', level: config.logLevel });
  const app = fastify({ loggerInstance: logger as FastifyBaseLogger });
  const checks: ReadinessCheck[] = [
    { name: 'configuration', run: () => ({ status: 'ok', detail: `backend=${config.backend} port=${config.port}` }) },
    duckdbCheck(config.warehousePath),
  ];
  registerHealthRoutes(app, checks, buildInfo('coordinator'));
  registerStartRoute(app);
  return { app, checks, logger, port: config.port, host: config.host };
}

import fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '@props/observability';
import { buildInfo, registerHealthRoutes, type AssembledService, type ReadinessCheck } from '@props/service-runtime';
import { loadWorkerConfig } from './worker-config';
import { onnxRuntimeCheck } from './onnx-runtime-check';
import { registerPredictRoute } from './predict-route';

export async function assembleWorker(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadWorkerConfig(env);
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const app = fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 4 * 1024 * 1024 });
  const checks: ReadinessCheck[] = [
    { name: 'configuration', run: () => ({ status: 'ok', detail: `backend=${config.backend} port=${config.port}` }) },
    onnxRuntimeCheck,
  ];
  registerHealthRoutes(app, checks, buildInfo('worker'));
  registerPredictRoute(app);
  return { app, checks, logger, port: config.port, host: config.host };
}

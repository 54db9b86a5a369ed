import fastify, { type FastifyBaseLogger } from 'fastify';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { HttpPushPublisher, PushDeliveryQueue } from '@props/messaging';
import { LogEvent, createLogger } from '@props/observability';
import { NdjsonStagingStore } from '@props/prediction-store';
import { buildInfo, registerHealthRoutes, type AssembledService, type ReadinessCheck } from '@props/service-runtime';
import { warehouseReadinessCheck } from '@props/consolidation';
import { requireCaller } from './api-key-auth';
import { BatchOrchestrator, PREDICTION_TOPIC } from './batch/batch-orchestrator';
import { FileBatchState } from './batch/file-batch-state';
import { registerBatchRoutes } from './batch-routes';
import { loadCoordinatorConfig } from './coordinator-config';

export async function assembleCoordinator(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadCoordinatorConfig(env);
  const logger = createLogger({ service: 'coordinator', level: config.logLevel });
  const app = fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 8 * 1024 * 1024 });
  const lock = new DistributedLock(new LocalLockBackend(config.lockDir));
  const staging = new NdjsonStagingStore(config.stagingDir);
  const delivery =
    config.workerUrls.length === 0
      ? null
      : new PushDeliveryQueue({
          publishers: config.workerUrls.map((url) => new HttpPushPublisher({ endpoints: { [PREDICTION_TOPIC]: url }, maxAttempts: 5, initialBackoffMs: 200 })),
          deadLetterDir: config.deadLetterDir,
          onDeadLetter: (letter) => logger.error({ event: LogEvent.messageDeadLettered, message_id: letter.messageId, reason: letter.reason }, `message ${letter.messageId} dead-lettered`),
        });
  const batches = new BatchOrchestrator({
    state: new FileBatchState(config.stateDir, lock),
    lock,
    staging,
    delivery,
    warehousePath: config.warehousePath,
    logger,
    stallSeconds: config.stallSeconds,
    minCoverage: config.minCoverage,
    slateTimeoutMs: config.slateTimeoutMs,
    slateLoad: config.slateLoad,
  });
  const checks: ReadinessCheck[] = [
    { name: 'configuration', run: () => ({ status: 'ok', detail: `backend=${config.backend} port=${config.port} workers=${config.workerUrls.length}` }) },
    warehouseReadinessCheck(config.warehousePath),
  ];
  registerHealthRoutes(app, checks, buildInfo('coordinator'));
  requireCaller(app, config.apiKey, config.oidc);
  registerBatchRoutes(app, batches);
  return { app, checks, logger, port: config.port, host: config.host };
}

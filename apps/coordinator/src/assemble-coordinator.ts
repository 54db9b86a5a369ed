import { dirname } from 'node:path';
import fastify, { type FastifyBaseLogger } from 'fastify';
import { MAX_PLAYERS_PER_MESSAGE } from '@props/contracts';
import { createLogger } from '@props/observability';
import {
  buildInfo,
  registerErrorReplies,
  useZodSchemas,
  zodOnlySchemaController,
  registerHealthRoutes,
  quietRequestLogs,
  registerRequestLogging,
  type AssembledService,
  type ReadinessCheck,
} from '@props/service-runtime';
import { requireCaller } from './api-key-auth';
import { BatchOrchestrator } from './batch/batch-orchestrator';
import { BatchChanges } from './batch/batch-changes';
import { registerBatchRoutes } from './batch-routes';
import { loadCoordinatorConfig } from './coordinator-config';
import { localPorts } from './local/local-ports';

/**
 * A completion at its bounds, every text escaped at JSON's costliest (six bytes a control
 * character), is under 20 KB; a group carries at most MAX_PLAYERS_PER_MESSAGE of them, base64 in
 * a push envelope (under 2 MB). /start's and /check-stalled's bodies are far smaller.
 */
const COMPLETION_BODY_LIMIT = MAX_PLAYERS_PER_MESSAGE * 32 * 1024;

export async function assembleCoordinator(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadCoordinatorConfig(env);
  const logger = createLogger({ service: 'coordinator', level: config.logLevel });
  // "__proto__" and "constructor.prototype" keys are dropped, not answered 400 (a push would be redelivered forever):
  // https://fastify.dev/docs/latest/Reference/Server/#onprotopoisoning
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: COMPLETION_BODY_LIMIT,
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    schemaController: zodOnlySchemaController(),
    ...quietRequestLogs(),
  });
  registerRequestLogging(app, config.gcp?.projectId);
  // The gcp ports are loaded only on gcp: the Google client stack stays off the local start path.
  const ports =
    config.backend === 'gcp' ? (await import('./gcp/gcp-ports')).gcpPorts(config, logger) : localPorts(config, logger);
  const batches = new BatchOrchestrator({
    state: ports.state,
    lock: ports.lock,
    staging: ports.staging,
    delivery: ports.delivery,
    notices: { publisher: ports.notices, topic: config.topics.predictionsComplete },
    warehouse: ports.warehouse,
    logger,
    stallSeconds: config.stallSeconds,
    minCoverage: config.minCoverage,
    slateTimeoutMs: config.slateTimeoutMs,
    slateLoad: config.slateLoad,
    playersPerMessage: config.playersPerMessage,
    environmentPrefix: config.datasetPrefix,
    changes: new BatchChanges(),
  });
  const checks: ReadinessCheck[] = [
    {
      name: 'configuration',
      run: () => ({
        status: 'ok',
        detail: `backend=${config.backend} port=${config.port} ${config.gcp ? `project=${config.gcp.projectId}` : `workers=${config.workerUrls.length}`}`,
      }),
    },
    ...ports.checks,
  ];
  registerErrorReplies(app);
  useZodSchemas(app);
  registerHealthRoutes(app, checks, buildInfo('coordinator'));
  registerBatchRoutes(app, batches, ports.rejected, (guarded) => requireCaller(guarded, config.apiKey, config.oidc));
  const writableFolders = config.gcp
    ? []
    : [
        config.stagingDir,
        config.lockDir,
        config.stateDir,
        config.deadLetterDir,
        config.rejectedDir,
        config.outboxDir,
        dirname(config.warehousePath),
      ];
  return { app, checks, logger, port: config.port, host: config.host, writableFolders };
}

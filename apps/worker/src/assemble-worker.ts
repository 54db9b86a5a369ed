import fastify, { type FastifyBaseLogger } from 'fastify';
import { hostname } from 'node:os';
import { FileRejectedMessageStore, HttpPushPublisher } from '@props/messaging';
import { MAX_PLAYERS_PER_MESSAGE } from '@props/contracts';
import { PredictionSystems, loadServedModels, onnxRuntimeCheck } from '@props/models';
import { ndjsonStagingFor } from '@props/prediction-store';
import { LogEvent, createLogger } from '@props/observability';
import {
  buildInfo,
  registerErrorReplies,
  registerHealthRoutes,
  quietRequestLogs,
  registerRequestLogging,
  requireOidc,
  zodOnlySchemaController,
  type AssembledService,
  type ReadinessCheck,
} from '@props/service-runtime';
import { loadWorkerConfig } from './worker-config';
import { modelReadinessChecks } from './model-readiness';
import { PredictionPipeline } from './prediction-pipeline';
import { registerPredictRoute } from './predict-route';

/**
 * A request at its bounds (60 games, 64 features), base64 in a push envelope, is under 40 KB; a
 * group carries at most MAX_PLAYERS_PER_MESSAGE of them (2.5 MB, far under Pub/Sub's 10 MB).
 */
const PUSH_BODY_LIMIT = MAX_PLAYERS_PER_MESSAGE * 40 * 1024;

export async function assembleWorker(env: NodeJS.ProcessEnv): Promise<AssembledService> {
  const config = loadWorkerConfig(env);
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: PUSH_BODY_LIMIT,
    // A push whose attributes have a key "__proto__" is a valid message: the key is dropped instead
    // of the default 400, which Pub/Sub would redeliver forever (https://fastify.dev/docs/latest/Reference/Server/#onprotopoisoning).
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    schemaController: zodOnlySchemaController(),
    ...quietRequestLogs(),
  });
  registerRequestLogging(app, config.gcp?.projectId);
  const models = await loadServedModels({
    modelDir: config.modelDir,
    cacheDir: config.modelCacheDir,
    env,
    requireModels: config.requireModels,
  });
  for (const model of models.filter((served) => !served.regressor)) {
    logger.warn(
      { event: LogEvent.modelUnavailable, system_id: model.systemId, reason: model.unavailableReason },
      `${model.systemId} will serve fallback predictions`,
    );
  }
  const systems = new PredictionSystems(models, (fallback) =>
    logger.warn(
      {
        event: LogEvent.predictionFallback,
        system_id: fallback.systemId,
        reason: fallback.reason,
        players: fallback.players,
      },
      `${fallback.systemId} fell back for ${fallback.players} player(s)`,
    ),
  );
  const {
    staging,
    publisher,
    rejected,
    checks: dependencyChecks,
  } = config.gcp
    ? // Loaded only on gcp: the Google client stack stays off the local runtime's start path.
      (await import('./gcp/gcp-worker-ports')).gcpWorkerPorts(config.gcp, config.completionTopic)
    : {
        staging: ndjsonStagingFor(config.stagingDir),
        publisher: new HttpPushPublisher({
          endpoints: { [config.completionTopic]: config.completionUrl },
          headers: config.completionApiKey ? { 'x-api-key': config.completionApiKey } : {},
        }),
        rejected: new FileRejectedMessageStore(config.rejectedDir),
        checks: [],
      };
  const pipeline = new PredictionPipeline(
    systems,
    staging,
    publisher,
    config.completionTopic,
    process.env.K_REVISION ?? `${hostname()}:${process.pid}`,
  );
  const checks: ReadinessCheck[] = [
    {
      name: 'configuration',
      run: () => ({
        status: 'ok',
        detail: `backend=${config.backend} port=${config.port} models=${config.modelDir} staging=${config.gcp ? `bigquery ${config.gcp.predictionsDataset}` : config.stagingDir} completions=${config.gcp ? `pubsub ${config.completionTopic}` : config.completionUrl} push-auth=${config.pushAuth ? `oidc (audience ${config.pushAuth.audience})` : 'OFF (PROPS_PUSH_AUTH=none, local only)'}`,
      }),
    },
    onnxRuntimeCheck,
    ...modelReadinessChecks(models),
    ...dependencyChecks,
  ];
  registerErrorReplies(app);
  registerHealthRoutes(app, checks, buildInfo('worker'));
  // The push endpoint in a plugin of its own, so the OIDC check guards it and nothing else.
  const pushAuth = config.pushAuth;
  void app.register(async (guarded) => {
    if (pushAuth) requireOidc(guarded, pushAuth);
    registerPredictRoute(guarded, pipeline, rejected);
  });
  const writableFolders = config.gcp
    ? [config.modelCacheDir]
    : [config.stagingDir, config.rejectedDir, config.modelCacheDir];
  return { app, checks, logger, port: config.port, host: config.host, writableFolders };
}

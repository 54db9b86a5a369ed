import { z } from 'zod';
import { parseEnvironment, variables } from '@props/configuration';

const WorkerEnvironment = z.object({
  PORT: variables.port(8080),
  HOST: z.string().default('0.0.0.0'),
  PROPS_BACKEND: variables.backend(),
  LOG_LEVEL: variables.logLevel(),
  PROPS_DATA_DIR: z.string().default('var'),
  PROPS_MODEL_DIR: z.string().default('models'),
  PROPS_MODEL_CACHE_DIR: z.string().optional(),
  PROPS_REQUIRE_MODELS: variables.flag(true),
  PROPS_STAGING_DIR: z.string().optional(),
  PROPS_COMPLETION_URL: variables.httpUrl().default('http://127.0.0.1:8080/complete'),
  PROPS_COMPLETION_API_KEY: z.string().min(16, 'expected at least 16 characters').optional(),
  GCP_PROJECT_ID: z.string().optional(),
});

export interface WorkerConfig {
  port: number;
  host: string;
  backend: 'local' | 'gcp';
  logLevel: string;
  dataDir: string;
  modelDir: string;
  modelCacheDir: string;
  /** true (the default): a model that cannot load stops startup; false: its system falls back, visibly. */
  requireModels: boolean;
  /** Local runtime: staged rows go here, one NDJSON file per message. */
  stagingDir: string;
  /** Local runtime: where completion events are pushed (the coordinator's /complete). */
  completionUrl: string;
  /** Sent as x-api-key with each completion push (the coordinator's key). */
  completionApiKey: string | undefined;
  gcpProjectId: string | undefined;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const parsed = parseEnvironment(
    WorkerEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp', {
      path: ['PROPS_BACKEND'],
      message: 'gcp is not available for the worker yet (BigQuery staging and Pub/Sub publishing are not built); use local',
    }),
    env,
  );
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    backend: parsed.PROPS_BACKEND,
    logLevel: parsed.LOG_LEVEL,
    dataDir: parsed.PROPS_DATA_DIR,
    modelDir: parsed.PROPS_MODEL_DIR,
    modelCacheDir: parsed.PROPS_MODEL_CACHE_DIR ?? `${parsed.PROPS_DATA_DIR}/model-cache`,
    requireModels: parsed.PROPS_REQUIRE_MODELS,
    stagingDir: parsed.PROPS_STAGING_DIR ?? `${parsed.PROPS_DATA_DIR}/staging`,
    completionUrl: parsed.PROPS_COMPLETION_URL,
    completionApiKey: parsed.PROPS_COMPLETION_API_KEY,
    gcpProjectId: parsed.GCP_PROJECT_ID,
  };
}

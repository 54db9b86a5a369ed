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
  gcpProjectId: string | undefined;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const parsed = parseEnvironment(
    WorkerEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp' || Boolean(value.GCP_PROJECT_ID), {
      path: ['GCP_PROJECT_ID'],
      message: 'is required when PROPS_BACKEND=gcp',
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
    gcpProjectId: parsed.GCP_PROJECT_ID,
  };
}

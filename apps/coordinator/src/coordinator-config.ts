import { z } from 'zod';
import { parseEnvironment, variables } from '@props/configuration';

const CoordinatorEnvironment = z.object({
  PORT: variables.port(8080),
  HOST: z.string().default('0.0.0.0'),
  PROPS_BACKEND: variables.backend(),
  LOG_LEVEL: variables.logLevel(),
  PROPS_DATA_DIR: z.string().default('var'),
  PROPS_WAREHOUSE_PATH: z.string().optional(),
  GCP_PROJECT_ID: z.string().optional(),
});

export interface CoordinatorConfig {
  port: number;
  host: string;
  backend: 'local' | 'gcp';
  logLevel: string;
  dataDir: string;
  warehousePath: string;
  gcpProjectId: string | undefined;
}

export function loadCoordinatorConfig(env: NodeJS.ProcessEnv): CoordinatorConfig {
  const parsed = parseEnvironment(
    CoordinatorEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp' || Boolean(value.GCP_PROJECT_ID), {
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
    warehousePath: parsed.PROPS_WAREHOUSE_PATH ?? `${parsed.PROPS_DATA_DIR}/warehouse.duckdb`,
    gcpProjectId: parsed.GCP_PROJECT_ID,
  };
}

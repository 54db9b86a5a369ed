import { z } from 'zod';
import { parseEnvironment, variables } from '@props/configuration';

const CoordinatorEnvironment = z.object({
  PORT: variables.port(8080),
  HOST: z.string().default('0.0.0.0'),
  PROPS_BACKEND: variables.backend(),
  LOG_LEVEL: variables.logLevel(),
  PROPS_DATA_DIR: z.string().default('var'),
  PROPS_WAREHOUSE_PATH: z.string().optional(),
  PROPS_STAGING_DIR: z.string().optional(),
  PROPS_LOCK_DIR: z.string().optional(),
  GCP_PROJECT_ID: z.string().optional(),
});

export interface CoordinatorConfig {
  port: number;
  host: string;
  backend: 'local' | 'gcp';
  logLevel: string;
  dataDir: string;
  warehousePath: string;
  stagingDir: string;
  lockDir: string;
  gcpProjectId: string | undefined;
}

export function loadCoordinatorConfig(env: NodeJS.ProcessEnv): CoordinatorConfig {
  const parsed = parseEnvironment(
    CoordinatorEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp', {
      path: ['PROPS_BACKEND'],
      message: 'gcp is not available for the coordinator yet (BigQuery consolidation and Firestore batch state are not built); use local',
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
    stagingDir: parsed.PROPS_STAGING_DIR ?? `${parsed.PROPS_DATA_DIR}/staging`,
    lockDir: parsed.PROPS_LOCK_DIR ?? `${parsed.PROPS_DATA_DIR}/locks`,
    gcpProjectId: parsed.GCP_PROJECT_ID,
  };
}

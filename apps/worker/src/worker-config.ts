import * as z from 'zod';
import { DEFAULT_TOPICS, DatasetPrefixSchema } from '@props/contracts';
import { parseEnvironment, variables } from '@props/configuration';
import { OidcEnvironment, oidcPolicyFrom, refineAuthFrontEnd, type OidcPolicy } from '@props/service-runtime';

/** Push authentication may be off only on an address no other machine can reach. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const WorkerEnvironment = z
  .object({
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
    PROPS_PUSH_AUTH: z.enum(['oidc', 'none']).default('oidc'),
    PROPS_BIGQUERY_LOCATION: z.string().min(1).default('us-west2'),
    PROPS_BIGQUERY_ENDPOINT: variables.httpUrl().optional(),
    PUBSUB_READY_TOPIC: variables.topicName(DEFAULT_TOPICS.predictionReady),
    GCP_PROJECT_ID: z.string().optional(),
    PROPS_DATASET_PREFIX: DatasetPrefixSchema,
  })
  .extend(OidcEnvironment.shape);

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
  /** Local runtime: the push messages acknowledged without processing, one JSON file each. */
  rejectedDir: string;
  /** Local runtime: where completion events are pushed (the coordinator's /complete). */
  completionUrl: string;
  /** The topic completion events are published to (the coordinator's push subscription reads it). */
  completionTopic: string;
  /** Sent as x-api-key with each completion push (the coordinator's key). */
  completionApiKey: string | undefined;
  /** Who may push to /predict; null only when the local runtime turned push auth off explicitly. */
  pushAuth: OidcPolicy | null;
  /** A staging environment's prefix ('' for production): the only dataset_prefix its messages may carry. */
  datasetPrefix: string;
  /** Production: BigQuery's project, location and (for emulators) endpoint, and this environment's predictions dataset. */
  gcp: WorkerGcpConfig | null;
}

export interface WorkerGcpConfig {
  projectId: string;
  location: string;
  bigqueryEndpoint: string | undefined;
  /** Rejected messages and the readiness probe: nba_predictions, or <prefix>_nba_predictions in staging. */
  predictionsDataset: string;
  datasetPrefix: string;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const parsed = parseEnvironment(
    WorkerEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp' || value.GCP_PROJECT_ID !== undefined, {
      path: ['GCP_PROJECT_ID'],
      message: 'required with PROPS_BACKEND=gcp',
    })
      .refine((value) => value.PROPS_BACKEND !== 'gcp' || value.PROPS_PUSH_AUTH === 'oidc', {
        path: ['PROPS_PUSH_AUTH'],
        message: 'must be oidc with PROPS_BACKEND=gcp: only the local runtime may turn push authentication off',
      })
      .refine((value) => value.PROPS_PUSH_AUTH !== 'none' || LOOPBACK_HOSTS.includes(value.HOST), {
        path: ['PROPS_PUSH_AUTH'],
        message:
          'is none while HOST is not a loopback address: anyone who can reach the port could push; set HOST=127.0.0.1 with PROPS_PUSH_AUTH=none, or configure OIDC',
      })
      .refine((value) => value.PROPS_PUSH_AUTH === 'none' || oidcPolicyFrom(value) !== null, {
        path: ['PROPS_OIDC_AUDIENCE'],
        message:
          'with PROPS_PUSH_AUTH=oidc (the default) set PROPS_OIDC_AUDIENCE and PROPS_OIDC_SERVICE_ACCOUNTS; only the local runtime may set PROPS_PUSH_AUTH=none',
      })
      .superRefine(refineAuthFrontEnd),
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
    rejectedDir: `${parsed.PROPS_DATA_DIR}/rejected`,
    completionUrl: parsed.PROPS_COMPLETION_URL,
    completionTopic: parsed.PUBSUB_READY_TOPIC,
    completionApiKey: parsed.PROPS_COMPLETION_API_KEY,
    pushAuth: parsed.PROPS_PUSH_AUTH === 'none' ? null : oidcPolicyFrom(parsed),
    datasetPrefix: parsed.PROPS_DATASET_PREFIX,
    gcp:
      parsed.PROPS_BACKEND === 'gcp'
        ? {
            projectId: parsed.GCP_PROJECT_ID!,
            location: parsed.PROPS_BIGQUERY_LOCATION,
            bigqueryEndpoint: parsed.PROPS_BIGQUERY_ENDPOINT,
            // The staging identity is granted only its prefixed datasets: every dataset this service
            // names carries the prefix (the staging tables are under each message's dataset_prefix,
            // which must be this one).
            predictionsDataset: parsed.PROPS_DATASET_PREFIX
              ? `${parsed.PROPS_DATASET_PREFIX}_nba_predictions`
              : 'nba_predictions',
            datasetPrefix: parsed.PROPS_DATASET_PREFIX,
          }
        : null,
  };
}

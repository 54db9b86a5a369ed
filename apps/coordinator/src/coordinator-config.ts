import * as z from 'zod';
import { parseEnvironment, variables } from '@props/configuration';
import { DEFAULT_TOPICS, DatasetPrefixSchema, MAX_PLAYERS_PER_MESSAGE } from '@props/contracts';
import { DEFAULT_PLAYERS_PER_MESSAGE } from '@props/prediction-batch';
import { OidcEnvironment, oidcPolicyFrom, refineAuthFrontEnd, type OidcPolicy } from '@props/service-runtime';

const CoordinatorEnvironment = z
  .object({
    PORT: variables.port(8080),
    HOST: z.string().default('0.0.0.0'),
    PROPS_BACKEND: variables.backend(),
    LOG_LEVEL: variables.logLevel(),
    PROPS_DATA_DIR: z.string().default('var'),
    PROPS_WAREHOUSE_PATH: z.string().optional(),
    PROPS_STAGING_DIR: z.string().optional(),
    PROPS_LOCK_DIR: z.string().optional(),
    PROPS_STATE_DIR: z.string().optional(),
    PROPS_API_KEY: z
      .string({ error: 'required: the shared secret callers send in x-api-key (at least 16 characters)' })
      .min(16, 'expected at least 16 characters'),
    PROPS_WORKER_URLS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((url) => url.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.url({ protocol: /^https?$/, error: "expected comma-separated http(s) URLs of the workers' /predict" }),
        ),
      ),
    PROPS_STALL_SECONDS: z.coerce.number().int().min(1).default(600),
    PROPS_MIN_COVERAGE: z.coerce.number().min(0).max(1).default(0.95),
    PROPS_SLATE_TIMEOUT_MS: z.coerce.number().int().min(1).default(120_000),
    PROPS_SLATE_LOAD: z.enum(['one_query', 'per_player']).default('one_query'),
    PROPS_PLAYERS_PER_MESSAGE: z.coerce.number().int().min(1).max(MAX_PLAYERS_PER_MESSAGE).optional(),
    PREDICTION_REQUEST_TOPIC: variables.topicName(DEFAULT_TOPICS.predictionRequest),
    PHASE5_COMPLETE_TOPIC: variables.topicName(DEFAULT_TOPICS.predictionsComplete),
    GCP_PROJECT_ID: z.string().optional(),
    PROPS_BIGQUERY_LOCATION: z.string().min(1).default('us-west2'),
    PROPS_BIGQUERY_ENDPOINT: variables.httpUrl().optional(),
    PROPS_DATASET_PREFIX: DatasetPrefixSchema,
    FIRESTORE_DATABASE: z.string().min(1).default('(default)'),
  })
  .extend(OidcEnvironment.shape);

export interface CoordinatorConfig {
  port: number;
  host: string;
  backend: 'local' | 'gcp';
  logLevel: string;
  dataDir: string;
  warehousePath: string;
  stagingDir: string;
  lockDir: string;
  stateDir: string;
  deadLetterDir: string;
  /** Local runtime: completion events acknowledged without processing, one JSON file each. */
  rejectedDir: string;
  /** Local runtime: messages to topics no local service subscribes to, one NDJSON file per topic. */
  outboxDir: string;
  topics: { predictionRequest: string; predictionsComplete: string };
  apiKey: string;
  workerUrls: string[];
  stallSeconds: number;
  minCoverage: number;
  slateTimeoutMs: number;
  slateLoad: 'one_query' | 'per_player';
  /** Players per prediction message: 1 sends the original's one-player message. */
  playersPerMessage: number;
  /** A staging environment's prefix: every batch it starts uses it ('' for production). */
  datasetPrefix: string;
  /** Callers with a verified OIDC token (Cloud Scheduler, Pub/Sub push) need no API key; null: API key only. */
  oidc: OidcPolicy | null;
  /** Production: the project, BigQuery's location and (for emulators) its endpoint. */
  gcp: { projectId: string; location: string; bigqueryEndpoint: string | undefined; firestoreDatabase: string } | null;
}

export function loadCoordinatorConfig(env: NodeJS.ProcessEnv): CoordinatorConfig {
  const parsed = parseEnvironment(
    CoordinatorEnvironment.refine((value) => value.PROPS_BACKEND !== 'gcp' || value.GCP_PROJECT_ID !== undefined, {
      path: ['GCP_PROJECT_ID'],
      message: 'required with PROPS_BACKEND=gcp',
    }).superRefine(refineAuthFrontEnd),
    env,
  );
  const dataDir = parsed.PROPS_DATA_DIR;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    backend: parsed.PROPS_BACKEND,
    logLevel: parsed.LOG_LEVEL,
    dataDir,
    warehousePath: parsed.PROPS_WAREHOUSE_PATH ?? `${dataDir}/warehouse.duckdb`,
    stagingDir: parsed.PROPS_STAGING_DIR ?? `${dataDir}/staging`,
    lockDir: parsed.PROPS_LOCK_DIR ?? `${dataDir}/locks`,
    stateDir: parsed.PROPS_STATE_DIR ?? `${dataDir}/batches`,
    deadLetterDir: `${dataDir}/dead-letter`,
    rejectedDir: `${dataDir}/rejected`,
    outboxDir: `${dataDir}/outbox`,
    topics: { predictionRequest: parsed.PREDICTION_REQUEST_TOPIC, predictionsComplete: parsed.PHASE5_COMPLETE_TOPIC },
    apiKey: parsed.PROPS_API_KEY,
    workerUrls: parsed.PROPS_WORKER_URLS,
    stallSeconds: parsed.PROPS_STALL_SECONDS,
    minCoverage: parsed.PROPS_MIN_COVERAGE,
    slateTimeoutMs: parsed.PROPS_SLATE_TIMEOUT_MS,
    slateLoad: parsed.PROPS_SLATE_LOAD,
    playersPerMessage: parsed.PROPS_PLAYERS_PER_MESSAGE ?? defaultPlayersPerMessage(parsed.PROPS_BACKEND),
    datasetPrefix: parsed.PROPS_DATASET_PREFIX,
    oidc: oidcPolicyFrom(parsed),
    gcp:
      parsed.PROPS_BACKEND === 'gcp'
        ? {
            projectId: parsed.GCP_PROJECT_ID!,
            location: parsed.PROPS_BIGQUERY_LOCATION,
            bigqueryEndpoint: parsed.PROPS_BIGQUERY_ENDPOINT,
            firestoreDatabase: parsed.FIRESTORE_DATABASE,
          }
        : null,
  };
}

/**
 * Groups of players on the local runtime; on gcp the original's one player per message, because
 * the platform around it counts dead-lettered request messages as players (its alerts warn at 50
 * messages) and the original worker, after a rollback of the worker alone, drops a message without
 * `player_lookup` (docs/architecture.md, "Players per message").
 */
function defaultPlayersPerMessage(backend: 'local' | 'gcp'): number {
  return backend === 'gcp' ? 1 : DEFAULT_PLAYERS_PER_MESSAGE;
}

import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { Identities } from './identities';
import type { EnvironmentNames } from './names';
import { reportLocation } from './reports';
import type { EnvironmentSettings } from './settings';

/** A container's environment: plain values, and variables read from a Secret Manager secret (its latest version). */
export interface ContainerEnvironment {
  plain: Record<string, pulumi.Input<string>>;
  secrets: Record<string, string>;
}

/** What the coordinator's configuration reads (apps/coordinator/src/coordinator-config.ts), for this environment. */
export function coordinatorEnvironment(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  identities: Identities,
): ContainerEnvironment {
  return {
    plain: {
      PROPS_BACKEND: 'gcp',
      GCP_PROJECT_ID: settings.project,
      PROPS_BIGQUERY_LOCATION: settings.bigqueryLocation,
      PREDICTION_REQUEST_TOPIC: names.topics.predictionRequest,
      PHASE5_COMPLETE_TOPIC: names.topics.predictionsComplete,
      PROPS_DATASET_PREFIX: names.datasetPrefix,
      FIRESTORE_DATABASE: names.firestoreDatabase,
      // Pub/Sub pushes completions and Cloud Scheduler calls /start and /check-stalled with these identities' OIDC tokens.
      PROPS_OIDC_AUDIENCE: names.coordinatorAudience,
      PROPS_OIDC_SERVICE_ACCOUNTS: pulumi.interpolate`${identities.accounts.pusher.email},${identities.accounts.scheduler.email}`,
      // Cloud Run's IAM check verifies those tokens and forwards them without their signature (docs/operations/authentication.md).
      PROPS_AUTH_FRONT_END: 'cloud-run',
      LOG_LEVEL: 'info',
    },
    secrets: { PROPS_API_KEY: names.apiKeySecret },
  };
}

/** What the worker's configuration reads (apps/worker/src/worker-config.ts), for this environment. */
export function workerEnvironment(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  identities: Identities,
): ContainerEnvironment {
  return {
    plain: {
      PROPS_BACKEND: 'gcp',
      GCP_PROJECT_ID: settings.project,
      PROPS_BIGQUERY_LOCATION: settings.bigqueryLocation,
      PUBSUB_READY_TOPIC: names.topics.predictionReady,
      PROPS_DATASET_PREFIX: names.datasetPrefix,
      PROPS_PUSH_AUTH: 'oidc',
      PROPS_OIDC_AUDIENCE: names.workerAudience,
      PROPS_OIDC_SERVICE_ACCOUNTS: identities.accounts.pusher.email,
      PROPS_AUTH_FRONT_END: 'cloud-run',
      PROPS_REQUIRE_MODELS: 'true',
      LOG_LEVEL: 'info',
    },
    secrets: {},
  };
}

/** What every props job reads (apps/cli/src/backend-environment.ts). */
export function jobEnvironment(settings: EnvironmentSettings, names: EnvironmentNames): ContainerEnvironment {
  return {
    plain: {
      PROPS_BACKEND: 'gcp',
      GCP_PROJECT_ID: settings.project,
      PROPS_BIGQUERY_LOCATION: settings.bigqueryLocation,
      FIRESTORE_DATABASE: names.firestoreDatabase,
      PROPS_DATASET_PREFIX: names.datasetPrefix,
      PROPS_REPORT_LOCATION: reportLocation(settings, names),
    },
    secrets: {},
  };
}

const envs = (environment: ContainerEnvironment) => [
  ...Object.entries(environment.plain).map(([name, value]) => ({ name, value })),
  ...Object.entries(environment.secrets).map(([name, secret]) => ({
    name,
    valueSource: { secretKeyRef: { secret, version: 'latest' } },
  })),
];

/** Sizes as the services were run (the original's coordinator 1-2 CPU, worker 2 CPU / 2 GiB, concurrency 5). */
export const SERVICE_SHAPES = {
  coordinator: { cpu: '1', memory: '1Gi', concurrency: 8, timeout: '900s', minInstances: 1, maxInstances: 3 },
  worker: { cpu: '2', memory: '2Gi', concurrency: 5, timeout: '300s', minInstances: 0, maxInstances: 20 },
} as const;

/**
 * A Cloud Run service with CPU allocated only while a request is open (the services do no work
 * after answering, so request-based allocation is what they are built for), a startup probe on
 * /health/ready, a custom audience for its OIDC callers, and its identity. Deploys own the image
 * and the traffic split (tools/deploy/deploy-cloud-run.sh), everything else is declared here.
 * Pulumi sends an ignored property's value from its state, and the state holds the live value only
 * after a refresh (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/, "How
 * ignoreChanges works"), hence `options.refresh: always` in Pulumi.yaml: a template change keeps
 * the deployed image and traffic (deploy-ownership.test.ts).
 */
export function declareService(
  settings: EnvironmentSettings,
  app: 'coordinator' | 'worker',
  name: string,
  audience: string,
  serviceAccount: pulumi.Input<string>,
  environment: ContainerEnvironment,
  dependsOn: pulumi.Resource[],
): gcp.cloudrunv2.Service {
  const shape = SERVICE_SHAPES[app];
  return new gcp.cloudrunv2.Service(
    name,
    {
      name,
      project: settings.project,
      location: settings.region,
      ingress: 'INGRESS_TRAFFIC_ALL',
      deletionProtection: settings.environment === 'production',
      customAudiences: [audience],
      template: {
        serviceAccount,
        timeout: shape.timeout,
        maxInstanceRequestConcurrency: shape.concurrency,
        scaling: { minInstanceCount: shape.minInstances, maxInstanceCount: shape.maxInstances },
        containers: [
          {
            image: settings.bootstrapImage,
            ports: { containerPort: 8080 },
            resources: { limits: { cpu: shape.cpu, memory: shape.memory }, cpuIdle: true, startupCpuBoost: true },
            envs: envs(environment),
            startupProbe: {
              httpGet: { path: '/health/ready' },
              periodSeconds: 5,
              timeoutSeconds: 4,
              failureThreshold: 24,
            },
            livenessProbe: { httpGet: { path: '/health' }, periodSeconds: 30, timeoutSeconds: 4, failureThreshold: 3 },
          },
        ],
      },
    },
    {
      dependsOn,
      ignoreChanges: [
        'template.containers[0].image',
        'template.labels',
        'template.revision',
        'traffics',
        'client',
        'clientVersion',
      ],
    },
  );
}

/** The props jobs: the daily ones with their fixed arguments, and props-cli for an operator's runs (backfill, migrate). */
export function jobTasks(names: EnvironmentNames): Record<string, string[]> {
  return {
    [names.job('grade')]: ['grade', '--date', 'yesterday'],
    [names.job('verify')]: ['verify', '--date', 'yesterday'],
    [names.job('staging-cleanup')]: ['staging', 'cleanup', '--older-than-hours', '24'],
    [names.job('cli')]: ['--help'],
  };
}

export function declareJob(
  settings: EnvironmentSettings,
  name: string,
  args: string[],
  serviceAccount: pulumi.Input<string>,
  environment: ContainerEnvironment,
): gcp.cloudrunv2.Job {
  return new gcp.cloudrunv2.Job(
    name,
    {
      name,
      project: settings.project,
      location: settings.region,
      deletionProtection: false,
      template: {
        taskCount: 1,
        template: {
          serviceAccount,
          timeout: '3600s',
          maxRetries: 1,
          containers: [
            {
              image: settings.bootstrapImage,
              args,
              envs: envs(environment),
              resources: { limits: { cpu: '2', memory: '4Gi' } },
            },
          ],
        },
      },
    },
    { ignoreChanges: ['template.template.containers[0].image', 'template.labels', 'client', 'clientVersion'] },
  );
}

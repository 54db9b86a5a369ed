import * as pulumi from '@pulumi/pulumi';

/** What differs between the environment stacks: production, and staging in the same project beside it. */
export interface EnvironmentSettings {
  environment: 'production' | 'staging';
  project: string;
  region: string;
  /** BigQuery datasets' location (the services' PROPS_BIGQUERY_LOCATION). */
  bigqueryLocation: string;
  /** owner/name of the repository whose workflows deploy (workload identity). */
  githubRepository: string;
  /** The image a service is created with before the first deploy; deploys own the image afterwards. */
  bootstrapImage: string;
  /** Where alerts go (projects/P/notificationChannels/N); none: policies without a channel. */
  notificationChannel: string | null;
}

/**
 * The platform stack: what the project has once, whichever environment (the image repository,
 * GitHub's workload identity and the identities the workflows take). Both environment stacks use
 * its identities and neither creates them, so staging applies without production and the reverse.
 */
export interface PlatformSettings {
  environment: 'platform';
  project: string;
  region: string;
  githubRepository: string;
}

const STACK_KINDS = ['platform', 'staging', 'production'];

export function settingsFromStack(): EnvironmentSettings | PlatformSettings {
  const own = new pulumi.Config('nba-props');
  const gcp = new pulumi.Config('gcp');
  const environment = own.require('environment');
  if (!STACK_KINDS.includes(environment))
    throw new Error(`nba-props:environment: expected ${STACK_KINDS.join(', ')}, got ${environment}`);
  const project = gcp.require('project');
  const region = gcp.require('region');
  const githubRepository = own.require('githubRepository');
  if (environment === 'platform') return { environment, project, region, githubRepository };
  return {
    environment: environment as EnvironmentSettings['environment'],
    project,
    region,
    bigqueryLocation: own.get('bigqueryLocation') ?? region,
    githubRepository,
    bootstrapImage: own.get('bootstrapImage') ?? 'us-docker.pkg.dev/cloudrun/container/hello',
    notificationChannel: own.get('notificationChannel') ?? null,
  };
}

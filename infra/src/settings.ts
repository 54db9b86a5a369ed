import * as pulumi from '@pulumi/pulumi';

/** What differs between the stacks: production, and staging in the same project beside it. */
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

export function settingsFromStack(): EnvironmentSettings {
  const own = new pulumi.Config('nba-props');
  const gcp = new pulumi.Config('gcp');
  const environment = own.require('environment');
  if (environment !== 'production' && environment !== 'staging')
    throw new Error(`nba-props:environment: expected production or staging, got ${environment}`);
  return {
    environment,
    project: gcp.require('project'),
    region: gcp.require('region'),
    bigqueryLocation: own.get('bigqueryLocation') ?? gcp.require('region'),
    githubRepository: own.require('githubRepository'),
    bootstrapImage: own.get('bootstrapImage') ?? 'us-docker.pkg.dev/cloudrun/container/hello',
    notificationChannel: own.get('notificationChannel') ?? null,
  };
}

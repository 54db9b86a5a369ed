import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentSettings, PlatformSettings } from './settings';

/**
 * The Google APIs the environment uses, enabled by the program so a fresh project applies in one
 * go. iam.googleapis.com is needed to create service accounts, iamcredentials and sts for workload
 * identity federation. Only serviceusage.googleapis.com and cloudresourcemanager.googleapis.com
 * must be on before the first apply (the provider enables the others through them): the one
 * `gcloud services enable` step in docs/operations/environment.md. Never disabled on destroy: the
 * other stacks and the rest of the original platform use them too.
 */
export const REQUIRED_APIS = [
  'artifactregistry.googleapis.com',
  'bigquery.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'cloudscheduler.googleapis.com',
  'firestore.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'pubsub.googleapis.com',
  'run.googleapis.com',
  'secretmanager.googleapis.com',
  'serviceusage.googleapis.com',
  'storage.googleapis.com',
  'sts.googleapis.com',
] as const;

export function declareApis(settings: EnvironmentSettings | PlatformSettings): gcp.projects.Service[] {
  // Each stack enables what it uses under its own resource names, so none depends on another's.
  const suffix = settings.environment === 'production' ? '' : `-${settings.environment}`;
  return REQUIRED_APIS.map(
    (api) =>
      new gcp.projects.Service(`api-${api.split('.')[0]}${suffix}`, {
        project: settings.project,
        service: api,
        disableOnDestroy: false,
        disableDependentServices: false,
      }),
  );
}

/**
 * Every resource the program declares after this waits for the APIs (a stack transformation,
 * applied by the SDK itself to each resource's options: https://www.pulumi.com/docs/iac/concepts/options/transformations/).
 */
export function waitForApis(apis: gcp.projects.Service[]): void {
  pulumi.runtime.registerStackTransformation((args) =>
    args.type === 'gcp:projects/service:Service' || args.type.startsWith('pulumi:')
      ? undefined
      : { props: args.props, opts: pulumi.mergeOptions(args.opts, { dependsOn: apis }) },
  );
}

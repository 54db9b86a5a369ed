import type { Call } from './permission-matrix';

const RUN = 'https://cloud.google.com/run/docs/reference/iam/roles';
const PUBSUB = 'https://cloud.google.com/pubsub/docs/access-control';
const PUSH_AUTH = 'https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions';
const BQ = 'https://cloud.google.com/bigquery/docs/access-control';
const SCHEDULER = 'https://cloud.google.com/scheduler/docs/http-target-auth';
const FIRESTORE = 'https://cloud.google.com/firestore/docs/security/iam';
const SECRETS = 'https://cloud.google.com/secret-manager/docs/access-control';
const LOGGING = 'https://cloud.google.com/logging/docs/access-control';
const MONITORING = 'https://cloud.google.com/monitoring/access-control';
const IAM = 'https://cloud.google.com/iam/docs/service-accounts-create';
const IAM_POLICY = 'https://cloud.google.com/iam/docs/manage-access-service-accounts';
const WIF = 'https://cloud.google.com/iam/docs/manage-workload-identity-pools-providers';
const PROJECT_IAM = 'https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy';
const AR = 'https://cloud.google.com/artifact-registry/docs/access-control';
const STORAGE = 'https://cloud.google.com/storage/docs/access-control/iam-permissions';
const SERVICE_USAGE = 'https://cloud.google.com/service-usage/docs/access-control';

/**
 * What `pulumi up` asks Google for, per resource type the program registers: the permission each
 * create (or IAM binding) needs, where it is documented. Updates need the matching `update`
 * permission, which the same roles carry; a type missing here is reported, so a new kind of
 * resource cannot be added without saying which permission applies it.
 */
export const APPLY_PERMISSIONS: Record<string, { permissions: string[]; source: string }> = {
  'gcp:projects/service:Service': { permissions: ['serviceusage.services.enable'], source: SERVICE_USAGE },
  'gcp:projects/iAMMember:IAMMember': { permissions: ['resourcemanager.projects.setIamPolicy'], source: PROJECT_IAM },
  'gcp:serviceaccount/account:Account': { permissions: ['iam.serviceAccounts.create'], source: IAM },
  'gcp:serviceaccount/iAMMember:IAMMember': { permissions: ['iam.serviceAccounts.setIamPolicy'], source: IAM_POLICY },
  'gcp:iam/workloadIdentityPool:WorkloadIdentityPool': {
    permissions: ['iam.workloadIdentityPools.create'],
    source: WIF,
  },
  'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider': {
    permissions: ['iam.workloadIdentityPoolProviders.create'],
    source: WIF,
  },
  'gcp:artifactregistry/repository:Repository': {
    permissions: ['artifactregistry.repositories.create'],
    source: AR,
  },
  'gcp:pubsub/topic:Topic': { permissions: ['pubsub.topics.create'], source: PUBSUB },
  'gcp:pubsub/topicIAMMember:TopicIAMMember': { permissions: ['pubsub.topics.setIamPolicy'], source: PUBSUB },
  // A push subscription with an OIDC token also needs actAs on the token's service account.
  'gcp:pubsub/subscription:Subscription': {
    permissions: ['pubsub.subscriptions.create', 'pubsub.topics.attachSubscription', 'iam.serviceAccounts.actAs'],
    source: PUSH_AUTH,
  },
  'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember': {
    permissions: ['pubsub.subscriptions.setIamPolicy'],
    source: PUBSUB,
  },
  'gcp:secretmanager/secret:Secret': { permissions: ['secretmanager.secrets.create'], source: SECRETS },
  'gcp:secretmanager/secretVersion:SecretVersion': { permissions: ['secretmanager.versions.add'], source: SECRETS },
  'gcp:secretmanager/secretIamMember:SecretIamMember': {
    permissions: ['secretmanager.secrets.setIamPolicy'],
    source: SECRETS,
  },
  'gcp:bigquery/dataset:Dataset': { permissions: ['bigquery.datasets.create'], source: BQ },
  'gcp:bigquery/datasetIamMember:DatasetIamMember': { permissions: ['bigquery.datasets.update'], source: BQ },
  'gcp:bigquery/table:Table': { permissions: ['bigquery.tables.create'], source: BQ },
  'gcp:firestore/database:Database': { permissions: ['datastore.databases.create'], source: FIRESTORE },
  'gcp:firestore/field:Field': { permissions: ['datastore.indexes.update'], source: FIRESTORE },
  'gcp:storage/bucket:Bucket': { permissions: ['storage.buckets.create'], source: STORAGE },
  'gcp:storage/bucketIAMMember:BucketIAMMember': { permissions: ['storage.buckets.setIamPolicy'], source: STORAGE },
  // Deploying a service or job that runs as a service account needs actAs on it.
  'gcp:cloudrunv2/service:Service': { permissions: ['run.services.create', 'iam.serviceAccounts.actAs'], source: RUN },
  'gcp:cloudrunv2/job:Job': { permissions: ['run.jobs.create', 'iam.serviceAccounts.actAs'], source: RUN },
  'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': { permissions: ['run.services.setIamPolicy'], source: RUN },
  'gcp:cloudrunv2/jobIamMember:JobIamMember': { permissions: ['run.jobs.setIamPolicy'], source: RUN },
  // A job calling with an OIDC or OAuth token needs actAs on the token's service account.
  'gcp:cloudscheduler/job:Job': {
    permissions: ['cloudscheduler.jobs.create', 'iam.serviceAccounts.actAs'],
    source: SCHEDULER,
  },
  'gcp:logging/metric:Metric': { permissions: ['logging.logMetrics.create'], source: LOGGING },
  'gcp:monitoring/alertPolicy:AlertPolicy': { permissions: ['monitoring.alertPolicies.create'], source: MONITORING },
};

/** Types that make no Google API call: the stack itself and the program's own wait (a dynamic resource). */
const LOCAL_TYPES = /^pulumi(-nodejs)?:/;

/**
 * The infrastructure identity's calls in `pulumi up`: the project lookup (getProject) and, per
 * resource type the stacks register, the permissions that create it. Types without an entry in
 * APPLY_PERMISSIONS come back in `unknown`.
 */
export function applyCalls(infraEmail: string, resourceTypes: Iterable<string>): { calls: Call[]; unknown: string[] } {
  const calls: Call[] = [
    {
      identity: infraEmail,
      call: 'gcp.organizations.getProject (the project number)',
      permission: 'resourcemanager.projects.get',
      resource: 'project',
      source: 'https://cloud.google.com/resource-manager/reference/rest/v1/projects/get',
    },
  ];
  const unknown: string[] = [];
  for (const type of new Set(resourceTypes)) {
    if (LOCAL_TYPES.test(type)) continue;
    const entry = APPLY_PERMISSIONS[type];
    if (!entry) {
      unknown.push(type);
      continue;
    }
    for (const permission of entry.permissions)
      calls.push({
        identity: infraEmail,
        call: `pulumi up creates ${type}`,
        permission,
        resource: 'project',
        source: entry.source,
      });
  }
  return { calls, unknown };
}

/**
 * The preview identity's calls in ci.yml's `pulumi preview --refresh=false`: the project lookup,
 * and the reads of the original resources a preview of an adopting production stack imports
 * (infra/src/adoption.ts). Nothing else reaches Google: without a refresh, the diff is computed
 * from the program and the stack's state.
 */
export function previewCalls(previewEmail: string): Call[] {
  const read = (call: string, permission: string, source: string): Call => ({
    identity: previewEmail,
    call,
    permission,
    resource: 'project',
    source,
  });
  return [
    read(
      'gcp.organizations.getProject',
      'resourcemanager.projects.get',
      'https://cloud.google.com/resource-manager/reference/rest/v1/projects/get',
    ),
    read('import reads the original topics', 'pubsub.topics.get', PUBSUB),
    read('import reads the original nba_* datasets', 'bigquery.datasets.get', BQ),
    read('import reads Firestore (default)', 'datastore.databases.getMetadata', FIRESTORE),
    read(
      'import reads the original scheduler jobs',
      'cloudscheduler.jobs.get',
      'https://cloud.google.com/scheduler/docs/access-control',
    ),
  ];
}

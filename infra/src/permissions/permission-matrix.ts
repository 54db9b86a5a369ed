import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_GROUPS } from './datasets';

/** A grant the program declares: a role for a member, on the project or on one resource. */
export interface Grant {
  member: string;
  role: string;
  /** `project`, or `<kind>:<name>` (service, job, serviceAccount, secret, dataset, topic, repository). */
  scope: string;
}

/** A call an identity makes, the permission it needs, and the resource it is checked on. */
export interface Call {
  identity: string;
  call: string;
  permission: string;
  resource: string;
  /** Where the permission requirement is documented. */
  source: string;
}

interface RoleFile {
  roles: Record<string, { source: string; permissions: string[]; lacks?: string[] }>;
}
export const ROLES = (JSON.parse(readFileSync(join(import.meta.dirname, 'roles.json'), 'utf8')) as RoleFile).roles;

const RUN_DEPLOY = 'https://cloud.google.com/run/docs/reference/iam/roles#additional-configuration';
const RUN_INVOKE = 'https://cloud.google.com/run/docs/authenticating/service-to-service';
const RUN_JOBS = 'https://cloud.google.com/run/docs/execute/jobs-on-schedule';
const AR_PUSH = 'https://cloud.google.com/artifact-registry/docs/access-control#permissions';
const SECRET = 'https://cloud.google.com/secret-manager/docs/access-control';
const BQ = 'https://cloud.google.com/bigquery/docs/access-control';
const PUBSUB = 'https://cloud.google.com/pubsub/docs/access-control';
const PUSH = 'https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions';

/**
 * Every call each identity makes: the deploy script's gcloud and docker commands
 * (tools/deploy/deploy-cloud-run.sh), the smoke step of .github/workflows/deploy.yml, the probes,
 * Pub/Sub's pushes and the scheduler's calls, and the services' own API calls.
 */
export function environmentCalls(project: string, suffix: string): Call[] {
  const sa = (role: string) => `serviceAccount:props-${role}${suffix}@${project}.iam.gserviceaccount.com`;
  const deployer = `props-deployer@${project}.iam.gserviceaccount.com`;
  const calls: Call[] = [];
  const add = (identity: string, call: string, permission: string, resource: string, source: string) =>
    calls.push({ identity, call, permission, resource, source });
  for (const app of ['coordinator', 'worker'] as const) {
    const service = `service:prediction-${app}${suffix}`;
    add(deployer, `gcloud run services describe prediction-${app}${suffix}`, 'run.services.get', service, RUN_DEPLOY);
    add(deployer, `gcloud run deploy prediction-${app}${suffix} --image`, 'run.services.update', service, RUN_DEPLOY);
    add(
      deployer,
      `gcloud run deploy prediction-${app}${suffix} (runs as props-${app}${suffix})`,
      'iam.serviceAccounts.actAs',
      sa(app),
      RUN_DEPLOY,
    );
    add(
      deployer,
      `gcloud run services update-traffic prediction-${app}${suffix}`,
      'run.services.update',
      service,
      RUN_DEPLOY,
    );
    add(
      deployer,
      `curl <tagged and service URL>/health/ready (readiness probe)`,
      'run.routes.invoke',
      service,
      RUN_INVOKE,
    );
  }
  for (const job of ['grade', 'verify', 'staging-cleanup', 'cli']) {
    add(
      deployer,
      `gcloud run jobs update props-${job}${suffix} --image`,
      'run.jobs.update',
      `job:props-${job}${suffix}`,
      RUN_DEPLOY,
    );
    add(
      deployer,
      `gcloud run jobs update props-${job}${suffix} (runs as props-cli${suffix})`,
      'iam.serviceAccounts.actAs',
      sa('cli'),
      RUN_DEPLOY,
    );
  }
  add(
    deployer,
    'docker push <region>-docker.pkg.dev/<project>/props/<app>:<commit>',
    'artifactregistry.repositories.uploadArtifacts',
    'project',
    AR_PUSH,
  );
  if (suffix) {
    add(
      deployer,
      'gcloud secrets versions access latest --secret=coordinator-api-key-staging',
      'secretmanager.versions.access',
      'secret:coordinator-api-key-staging',
      SECRET,
    );
    add(
      deployer,
      'props smoke --coordinator <staging URL>',
      'run.routes.invoke',
      'service:prediction-coordinator-staging',
      RUN_INVOKE,
    );
    add(deployer, 'props smoke / props verify (queries)', 'bigquery.jobs.create', 'project', BQ);
    for (const dataset of DATASET_GROUPS.all('staging'))
      add(deployer, `props verify reads ${dataset}`, 'bigquery.tables.getData', `dataset:${dataset}`, BQ);
  }
  return [...calls, ...runtimeCalls(project, suffix)];
}

/** Pub/Sub's pushes, the scheduler's calls and the services' own API calls. */
function runtimeCalls(project: string, suffix: string): Call[] {
  const sa = (role: string) => `serviceAccount:props-${role}${suffix}@${project}.iam.gserviceaccount.com`;
  const calls: Call[] = [];
  const add = (identity: string, call: string, permission: string, resource: string, source: string) =>
    calls.push({ identity, call, permission, resource, source });
  const pusher = sa('pusher').replace('serviceAccount:', '');
  const scheduler = sa('scheduler').replace('serviceAccount:', '');
  add(pusher, 'Pub/Sub push to /predict', 'run.routes.invoke', `service:prediction-worker${suffix}`, PUSH);
  add(pusher, 'Pub/Sub push to /complete', 'run.routes.invoke', `service:prediction-coordinator${suffix}`, PUSH);
  add(
    scheduler,
    'Cloud Scheduler POST /check-stalled',
    'run.routes.invoke',
    `service:prediction-coordinator${suffix}`,
    RUN_JOBS,
  );
  add(
    scheduler,
    `Cloud Scheduler runs props-staging-cleanup${suffix}`,
    'run.jobs.run',
    `job:props-staging-cleanup${suffix}`,
    RUN_JOBS,
  );
  const coordinator = sa('coordinator').replace('serviceAccount:', '');
  const worker = sa('worker').replace('serviceAccount:', '');
  const topic = (name: string) => `topic:${suffix ? `${name.replace(/-prod$/, '')}-staging` : name}`;
  add(coordinator, 'publish prediction requests', 'pubsub.topics.publish', topic('prediction-request-prod'), PUBSUB);
  add(
    coordinator,
    'read its API key (latest version)',
    'secretmanager.versions.access',
    `secret:coordinator-api-key${suffix}`,
    SECRET,
  );
  add(coordinator, 'BigQuery queries', 'bigquery.jobs.create', 'project', BQ);
  add(worker, 'publish completions', 'pubsub.topics.publish', topic('prediction-ready-prod'), PUBSUB);
  add(
    worker,
    'write predictions',
    'bigquery.tables.updateData',
    `dataset:${suffix ? 'staging_' : ''}nba_predictions`,
    BQ,
  );
  return calls;
}

/** The calls no declared grant allows, each as one line naming the identity, call, permission and resource. */
export function missingPermissions(calls: readonly Call[], grants: readonly Grant[]): string[] {
  return calls
    .filter(
      (call) =>
        !grants.some(
          (grant) =>
            grant.member === `serviceAccount:${call.identity}` &&
            (grant.scope === 'project' || grant.scope === call.resource) &&
            (ROLES[grant.role]?.permissions ?? []).includes(call.permission),
        ),
    )
    .map((call) => `${call.identity}: ${call.call} needs ${call.permission} on ${call.resource} (${call.source})`);
}

import * as gcp from '@pulumi/gcp';
import type { PlatformSettings } from './settings';

/**
 * The platform stack: what the project has once, whichever environment: the image repository and
 * the identities GitHub's workflows take through workload identity (no key leaves Google).
 * `props-deployer` pushes images and deploys revisions; `props-infra` applies the environment
 * stacks; `props-preview` reads what a pull request's `pulumi preview` reads. None has a basic role.
 * Each environment stack grants these identities what they need on its own resources, by name, and
 * creates none of them: staging and production each apply without the other.
 */
export const DEPLOYER_ROLES = [
  'roles/run.developer',
  'roles/artifactregistry.writer',
  'roles/cloudscheduler.viewer',
  'roles/bigquery.jobUser',
] as const;
export const INFRA_ROLES = [
  'roles/run.admin',
  'roles/pubsub.admin',
  'roles/bigquery.admin',
  'roles/cloudscheduler.admin',
  'roles/datastore.owner',
  'roles/secretmanager.admin',
  'roles/logging.configWriter',
  'roles/monitoring.alertPolicyEditor',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountUser',
  'roles/iam.workloadIdentityPoolAdmin',
  'roles/resourcemanager.projectIamAdmin',
  'roles/artifactregistry.admin',
  'roles/storage.admin',
  'roles/serviceusage.serviceUsageAdmin',
] as const;
/**
 * The pull-request preview runs the pull request's own code, so its identity only reads: the
 * project (the program's getProject call) and the original resources an adopting preview imports
 * (topics, datasets, the Firestore database, scheduler jobs). ci.yml previews with `--refresh=false`:
 * a refresh reads every resource, a secret version's payload included. infra/src/permissions/apply-permissions.ts
 * lists the calls; docs/operations/deploys.md says why.
 */
export const PREVIEW_ROLES = [
  'roles/browser',
  'roles/pubsub.viewer',
  'roles/bigquery.metadataViewer',
  'roles/datastore.viewer',
  'roles/cloudscheduler.viewer',
] as const;

export const ARTIFACT_REPOSITORY = 'props';
export const DEPLOYER_ACCOUNT = 'props-deployer';
const PREVIEW_ACCOUNT = 'props-preview';

/** The only ref whose workflow runs may deploy (deploy.yml runs on workflow_run, whose ref is the default branch). */
const MAIN_REF = 'refs/heads/main';

export function declarePlatform(settings: PlatformSettings) {
  const repository = declareImageRepository(settings);
  const pool = new gcp.iam.WorkloadIdentityPool('github', {
    project: settings.project,
    workloadIdentityPoolId: 'github',
    displayName: 'GitHub Actions',
  });
  const provider = new gcp.iam.WorkloadIdentityPoolProvider('github-actions', {
    project: settings.project,
    workloadIdentityPoolId: pool.workloadIdentityPoolId,
    workloadIdentityPoolProviderId: 'github-actions',
    attributeMapping: {
      'google.subject': 'assertion.sub',
      'attribute.repository': 'assertion.repository',
      'attribute.ref': 'assertion.ref',
      'attribute.event_name': 'assertion.event_name',
    },
    // Only this repository's workflows, and of those only runs of main (deploy.yml runs on workflow_run,
    // whose ref is the default branch) or pull requests (the preview; forks get no token). The claims:
    // https://docs.github.com/en/actions/reference/security/oidc; docs/operations/deploys.md.
    attributeCondition: `assertion.repository == "${settings.githubRepository}" && (assertion.ref == "${MAIN_REF}" || assertion.event_name == "pull_request")`,
    oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
  });
  return { repository, pool, provider, accounts: declareGithubIdentities(settings, pool) };
}

/** The identities GitHub's workflows take, their project roles, and which runs may take each. */
function declareGithubIdentities(settings: PlatformSettings, pool: gcp.iam.WorkloadIdentityPool) {
  const accounts = {
    deployer: new gcp.serviceaccount.Account(DEPLOYER_ACCOUNT, {
      project: settings.project,
      accountId: DEPLOYER_ACCOUNT,
      displayName: 'GitHub deploys: images, revisions, smoke batches',
    }),
    infra: new gcp.serviceaccount.Account('props-infra', {
      project: settings.project,
      accountId: 'props-infra',
      displayName: 'GitHub infrastructure: pulumi up',
    }),
    preview: new gcp.serviceaccount.Account(PREVIEW_ACCOUNT, {
      project: settings.project,
      accountId: PREVIEW_ACCOUNT,
      displayName: 'GitHub pull requests: pulumi preview (read-only)',
    }),
  };
  for (const [key, roles] of [
    ['deployer', DEPLOYER_ROLES],
    ['infra', INFRA_ROLES],
    ['preview', PREVIEW_ROLES],
  ] as const) {
    for (const role of roles)
      new gcp.projects.IAMMember(`props-${key}-${role.split('/')[1]}`, {
        project: settings.project,
        role,
        member: accounts[key].member,
      });
    // Only runs of main may act as the deploy and infra identities: the provider admits this
    // repository's pull requests too, whose code must never take them. The preview identity is for
    // pull_request runs only (their ref is refs/pull/N/merge, never main). The provider's condition
    // already limits the pool to this repository, so one mapped attribute selects the runs.
    // (principalSet by a mapped attribute: https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines;
    // the event_name and ref claims: https://docs.github.com/en/actions/reference/security/oidc)
    const runs = key === 'preview' ? 'attribute.event_name/pull_request' : `attribute.ref/${MAIN_REF}`;
    new gcp.serviceaccount.IAMMember(`props-${key}-github`, {
      serviceAccountId: accounts[key].name,
      role: 'roles/iam.workloadIdentityUser',
      member: pool.name.apply((name) => `principalSet://iam.googleapis.com/${name}/${runs}`),
    });
  }
  return accounts;
}

function declareImageRepository(settings: PlatformSettings) {
  return new gcp.artifactregistry.Repository(ARTIFACT_REPOSITORY, {
    project: settings.project,
    location: settings.region,
    repositoryId: ARTIFACT_REPOSITORY,
    format: 'DOCKER',
    description: 'coordinator, worker and cli images, tagged by commit',
    // A KEEP policy alone deletes nothing: DELETE removes versions older than 30 days, and KEEP wins
    // over DELETE for the 50 most recent of each image (Artifact Registry, "Configure cleanup
    // policies": https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy).
    cleanupPolicyDryRun: false,
    cleanupPolicies: [
      { id: 'delete-older-than-30-days', action: 'DELETE', condition: { tagState: 'ANY', olderThan: '30d' } },
      { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: 50 } },
    ],
  });
}

import * as gcp from '@pulumi/gcp';
import type { EnvironmentSettings } from './settings';

/**
 * What the project has once, whichever environment: the image repository and the identities
 * GitHub's workflows take through workload identity (no key leaves Google). `props-deployer` pushes
 * images and deploys revisions; `props-infra` applies this program. Neither has a basic role.
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
] as const;

export const ARTIFACT_REPOSITORY = 'props';
export const DEPLOYER_ACCOUNT = 'props-deployer';

/** The only ref whose workflow runs may deploy (deploy.yml runs on workflow_run, whose ref is the default branch). */
const MAIN_REF = 'refs/heads/main';

export function declarePlatform(settings: EnvironmentSettings) {
  const repository = new gcp.artifactregistry.Repository(ARTIFACT_REPOSITORY, {
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
    },
    // Only this repository's workflows, and of those only runs of main (deploy.yml runs on workflow_run,
    // whose ref is the default branch) or pull requests (the preview; forks get no token). The claims:
    // https://docs.github.com/en/actions/reference/security/oidc; docs/operations/deploys.md.
    attributeCondition: `assertion.repository == "${settings.githubRepository}" && (assertion.ref == "${MAIN_REF}" || assertion.event_name == "pull_request")`,
    oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
  });
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
  };
  for (const [key, roles] of [
    ['deployer', DEPLOYER_ROLES],
    ['infra', INFRA_ROLES],
  ] as const) {
    for (const role of roles)
      new gcp.projects.IAMMember(`props-${key}-${role.split('/')[1]}`, {
        project: settings.project,
        role,
        member: accounts[key].member,
      });
    // Only runs of main may act as these identities: the provider admits this repository's pull
    // requests too (for the preview), whose code must never take the deploy or infra identity. The
    // provider's condition already limits the pool to this repository, so the ref alone selects main.
    // (principalSet by a mapped attribute: https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines)
    new gcp.serviceaccount.IAMMember(`props-${key}-github`, {
      serviceAccountId: accounts[key].name,
      role: 'roles/iam.workloadIdentityUser',
      member: pool.name.apply((name) => `principalSet://iam.googleapis.com/${name}/attribute.ref/${MAIN_REF}`),
    });
  }
  return { repository, pool, provider, accounts };
}

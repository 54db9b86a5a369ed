import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, environmentCalls, missingPermissions, type Grant } from './permissions/permission-matrix';
import { runThroughPulumiHost, type HostedResource } from './test-support/pulumi-host';

const PROJECT = 'nba-props-platform';

/** The grants the program declares, from the resources registered through cmd/run. */
function grantsOf(resources: readonly HostedResource[]): Grant[] {
  const scopeOf: Record<string, (inputs: Record<string, any>) => string> = {
    'gcp:projects/iAMMember:IAMMember': () => 'project',
    'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': (inputs) => `service:${inputs.name}`,
    'gcp:cloudrunv2/jobIamMember:JobIamMember': (inputs) => `job:${inputs.name}`,
    'gcp:serviceaccount/iAMMember:IAMMember': (inputs) =>
      `serviceAccount:${String(inputs.serviceAccountId).split('/').pop()}`,
    'gcp:secretmanager/secretIamMember:SecretIamMember': (inputs) => `secret:${inputs.secretId}`,
    'gcp:bigquery/datasetIamMember:DatasetIamMember': (inputs) => `dataset:${inputs.datasetId}`,
    'gcp:pubsub/topicIAMMember:TopicIAMMember': (inputs) => `topic:${inputs.topic}`,
  };
  return resources
    .filter((resource) => scopeOf[resource.type])
    .map((resource) => ({
      member: resource.inputs.member,
      role: resource.inputs.role,
      scope: scopeOf[resource.type]!(resource.inputs),
    }));
}

let grants: Grant[] = [];
beforeAll(async () => {
  const runs = await Promise.all([runThroughPulumiHost('production'), runThroughPulumiHost('staging')]);
  for (const run of runs) expect(run.status, run.stderr).toBe(0);
  grants = runs.flatMap((run) => grantsOf(run.resources));
}, 180_000);

describe('the permission matrix', () => {
  const calls = [...environmentCalls(PROJECT, ''), ...environmentCalls(PROJECT, '-staging')];

  it("allows every call of every identity through the roles' documented permissions", () => {
    expect(calls.length).toBeGreaterThan(40);
    expect(missingPermissions(calls, grants)).toEqual([]);
  });

  it('grants the deploy identity Service Account User only on the runtime identities, never project-wide', () => {
    const deployer = `serviceAccount:props-deployer@${PROJECT}.iam.gserviceaccount.com`;
    const actAs = grants.filter((grant) => grant.member === deployer && grant.role === 'roles/iam.serviceAccountUser');
    expect(actAs.map((grant) => grant.scope).sort()).toEqual(
      ['coordinator', 'worker', 'cli']
        .flatMap((role) => [`props-${role}`, `props-${role}-staging`])
        .map((account) => `serviceAccount:${account}@${PROJECT}.iam.gserviceaccount.com`)
        .sort(),
    );
  });

  it('uses role fixtures that name their source, and knows Cloud Run Developer cannot invoke', () => {
    for (const [role, definition] of Object.entries(ROLES))
      expect(definition.source, role).toMatch(/^https:\/\/cloud\.google\.com\/iam\/docs\/roles-permissions\//);
    expect(ROLES['roles/run.developer']!.permissions).not.toContain('run.routes.invoke');
  });

  it('names the call, permission and resource when a grant is missing', () => {
    const withoutInvoker = grants.filter(
      (grant) => !(grant.scope === 'service:prediction-worker-staging' && grant.member.includes('props-deployer')),
    );
    expect(missingPermissions(calls, withoutInvoker)).toEqual([
      `props-deployer@${PROJECT}.iam.gserviceaccount.com: curl <tagged and service URL>/health/ready (readiness probe) needs run.routes.invoke on service:prediction-worker-staging (https://cloud.google.com/run/docs/authenticating/service-to-service)`,
    ]);
  });
});

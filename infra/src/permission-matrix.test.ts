import { beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_ROLES } from './platform';
import { applyCalls, previewCalls } from './permissions/apply-permissions';
import { ROLES, environmentCalls, missingPermissions, type Grant } from './permissions/permission-matrix';
import { grantsOf } from './test-support/grants';
import { runThroughPulumiHost } from './test-support/pulumi-host';

const PROJECT = 'nba-props-platform';

let grants: Grant[] = [];
let resourceTypes: string[] = [];
beforeAll(async () => {
  const runs = await Promise.all(['platform', 'production', 'staging'].map((stack) => runThroughPulumiHost(stack)));
  for (const run of runs) expect(run.status, run.stderr).toBe(0);
  grants = runs.flatMap((run) => grantsOf(run.resources));
  resourceTypes = runs.flatMap((run) => run.resources.map((resource) => resource.type));
}, 240_000);

const INFRA = `props-infra@${PROJECT}.iam.gserviceaccount.com`;
const PREVIEW = `props-preview@${PROJECT}.iam.gserviceaccount.com`;

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

describe("Pulumi's own applies", () => {
  it('let the infrastructure identity create every resource type the three stacks register', () => {
    const { calls, unknown } = applyCalls(INFRA, resourceTypes);
    expect(unknown).toEqual([]);
    expect(calls.length).toBeGreaterThan(30);
    expect(missingPermissions(calls, grants)).toEqual([]);
  });

  it('name the permission when a role of the infrastructure identity is removed', () => {
    const withoutServiceUsage = grants.filter(
      (grant) => !(grant.member === `serviceAccount:${INFRA}` && grant.role === 'roles/serviceusage.serviceUsageAdmin'),
    );
    expect(missingPermissions(applyCalls(INFRA, resourceTypes).calls, withoutServiceUsage)).toEqual([
      `${INFRA}: pulumi up creates gcp:projects/service:Service needs serviceusage.services.enable on project (https://cloud.google.com/service-usage/docs/access-control)`,
    ]);
    const withoutRunAdmin = grants.filter(
      (grant) => !(grant.member === `serviceAccount:${INFRA}` && grant.role === 'roles/run.admin'),
    );
    expect(missingPermissions(applyCalls(INFRA, resourceTypes).calls, withoutRunAdmin).join('\n')).toContain(
      'pulumi up creates gcp:cloudrunv2/service:Service needs run.services.create on project',
    );
  });

  it('report a resource type whose apply permission nobody has written down', () => {
    expect(applyCalls(INFRA, [...resourceTypes, 'gcp:compute/network:Network']).unknown).toEqual([
      'gcp:compute/network:Network',
    ]);
  });
});

describe("the pull requests' preview identity", () => {
  const previewGrants = () => grants.filter((grant) => grant.member === `serviceAccount:${PREVIEW}`);

  it('may make every call `pulumi preview --refresh=false` makes', () => {
    expect(missingPermissions(previewCalls(PREVIEW), grants)).toEqual([]);
    const withoutDatastoreViewer = grants.filter(
      (grant) => !(grant.member === `serviceAccount:${PREVIEW}` && grant.role === 'roles/datastore.viewer'),
    );
    expect(missingPermissions(previewCalls(PREVIEW), withoutDatastoreViewer)).toEqual([
      `${PREVIEW}: import reads Firestore (default) needs datastore.databases.getMetadata on project (https://cloud.google.com/firestore/docs/security/iam)`,
    ]);
  });

  it('only reads: project-wide read-only roles, nothing that writes, deploys, invokes or reads a secret', () => {
    expect(
      previewGrants()
        .map((grant) => `${grant.scope} ${grant.role}`)
        .sort(),
    ).toEqual(PREVIEW_ROLES.map((role) => `project ${role}`).sort());
    const granted = previewGrants().flatMap((grant) => ROLES[grant.role]?.permissions ?? []);
    expect(granted.filter((permission) => !/\.(get|getMetadata|list)$/.test(permission))).toEqual([]);
  });
});

import { ROLES, type Grant } from '../permissions/permission-matrix';
import type { HostedResource } from './pulumi-host';

const SCOPE_OF: Record<string, (inputs: Record<string, any>) => string> = {
  'gcp:projects/iAMMember:IAMMember': () => 'project',
  'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': (inputs) => `service:${inputs.name}`,
  'gcp:cloudrunv2/jobIamMember:JobIamMember': (inputs) => `job:${inputs.name}`,
  'gcp:serviceaccount/iAMMember:IAMMember': (inputs) =>
    `serviceAccount:${String(inputs.serviceAccountId).split('/').pop()}`,
  'gcp:secretmanager/secretIamMember:SecretIamMember': (inputs) => `secret:${inputs.secretId}`,
  'gcp:bigquery/datasetIamMember:DatasetIamMember': (inputs) => `dataset:${inputs.datasetId}`,
  'gcp:pubsub/topicIAMMember:TopicIAMMember': (inputs) => `topic:${inputs.topic}`,
};

/** The grants the program declares, from the resources registered through cmd/run. */
export function grantsOf(resources: readonly HostedResource[]): Grant[] {
  return resources
    .filter((resource) => SCOPE_OF[resource.type])
    .map((resource) => ({
      member: resource.inputs.member,
      role: resource.inputs.role,
      scope: SCOPE_OF[resource.type]!(resource.inputs),
    }));
}

/** The members whose grants give `permission` on `scope` (or on the whole project), by email. */
export function holders(grants: readonly Grant[], permission: string, scope: string): string[] {
  return [
    ...new Set(
      grants
        .filter(
          (grant) =>
            (grant.scope === scope || grant.scope === 'project') &&
            (ROLES[grant.role]?.permissions ?? []).includes(permission),
        )
        .map((grant) => grant.member.replace(/^serviceAccount:/, '')),
    ),
  ];
}

/** The `<kind>:<name>` scopes on which `member` holds `permission`. */
export function scopesOf(grants: readonly Grant[], member: string, permission: string): string[] {
  return grants
    .filter(
      (grant) =>
        grant.member === `serviceAccount:${member}` && (ROLES[grant.role]?.permissions ?? []).includes(permission),
    )
    .map((grant) => grant.scope);
}

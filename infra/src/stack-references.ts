/** A resource as a stack registers it: its type and the inputs the provider receives. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const ACCOUNT = 'gcp:serviceaccount/account:Account';
const TOPIC = 'gcp:pubsub/topic:Topic';
const DATASET = 'gcp:bigquery/dataset:Dataset';

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * What a stack names that some stack must create: the project's service accounts (by email), topics
 * (projects/P/topics/T) and datasets (a table's or a grant's datasetId). Google's own service agents
 * (service-N@gcp-sa-….iam.gserviceaccount.com) belong to no stack.
 */
function references(resource: RegisteredResource, project: string): string[] {
  const found = strings(resource.inputs).flatMap((text) => [
    ...[...text.matchAll(new RegExp(`([a-z][a-z0-9-]{4,29})@${project}\\.iam\\.gserviceaccount\\.com`, 'g'))].map(
      (match) => `service account ${match[1]}`,
    ),
    ...[...text.matchAll(new RegExp(`projects/${project}/topics/([\\w.-]+)`, 'g'))].map((match) => `topic ${match[1]}`),
  ]);
  if (resource.type !== DATASET && typeof resource.inputs.datasetId === 'string')
    found.push(`dataset ${resource.inputs.datasetId}`);
  return found;
}

function created(resources: readonly RegisteredResource[]): Set<string> {
  return new Set(
    resources.flatMap((resource) => {
      if (resource.type === ACCOUNT) return [`service account ${String(resource.inputs.accountId)}`];
      if (resource.type === TOPIC) return [`topic ${String(resource.inputs.name)}`];
      if (resource.type === DATASET) return [`dataset ${String(resource.inputs.datasetId)}`];
      return [];
    }),
  );
}

/**
 * Every account, topic and dataset an environment stack names is one it creates itself or one the
 * platform stack creates, never one only another environment creates: each environment then
 * applies on a project where the other does not exist (docs/operations/environment.md).
 */
export function foreignReferences(
  stack: readonly RegisteredResource[],
  platform: readonly RegisteredResource[],
  project: string,
): string[] {
  const available = new Set([...created(stack), ...created(platform)]);
  const problems = new Set<string>();
  for (const resource of stack)
    for (const reference of references(resource, project))
      if (!available.has(reference))
        problems.add(`${resource.name} names ${reference}, which neither this stack nor the platform stack creates`);
  return [...problems];
}

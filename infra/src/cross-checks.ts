import { CheckStalledRequestSchema, StartBatchRequestSchema, unknownStartFields, errorMessage } from '@props/contracts';
import { ALERTABLE_EVENTS } from '@props/observability';
import { WAREHOUSE_TABLES, datasetName, renderBigQuerySchema } from '@props/warehouse';
import { DEPLOYER_ROLES, INFRA_ROLES, PREVIEW_ROLES } from './platform';
import { PROJECT_ROLES } from './identities';
import { clusteringOf } from './warehouse';

/**
 * A provider's property bag, as deep as the GCP provider nests it: the checks read the fields
 * they compare and the comparison fails when one is missing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each provider type has its own shape
type ProviderProperties = Record<string, any>;

/** A resource as the program declared it: its type token, logical name and (resolved) inputs. */
export interface DeclaredResource {
  type: string;
  name: string;
  inputs: ProviderProperties;
  /** What the provider answers once it exists (a service's uri, an account's email). */
  outputs: ProviderProperties;
}

/** The configuration parsers of the code that runs in the environment; each throws naming a bad variable. */
export interface CodeParsers {
  coordinator(env: NodeJS.ProcessEnv): {
    topics: { predictionRequest: string; predictionsComplete: string };
    datasetPrefix: string;
    oidc: { audience: string; serviceAccounts: readonly string[] } | null;
    gcp: { projectId: string; firestoreDatabase: string } | null;
  };
  worker(env: NodeJS.ProcessEnv): {
    completionTopic: string;
    datasetPrefix: string;
    pushAuth: { audience: string; serviceAccounts: readonly string[] } | null;
    gcp: { projectId: string } | null;
  };
  job(env: NodeJS.ProcessEnv): { PROPS_BACKEND: string; FIRESTORE_DATABASE: string };
}

export interface Expectations {
  project: string;
  datasetPrefix: string;
  firestoreDatabase: string;
}

const ofType = (resources: readonly DeclaredResource[], type: string) =>
  resources.filter((resource) => resource.type === type);
const TOPIC = 'gcp:pubsub/topic:Topic';
const SUBSCRIPTION = 'gcp:pubsub/subscription:Subscription';
const SERVICE = 'gcp:cloudrunv2/service:Service';
const JOB = 'gcp:cloudrunv2/job:Job';
const SECRET = 'gcp:secretmanager/secret:Secret';
const TABLE = 'gcp:bigquery/table:Table';
const METRIC = 'gcp:logging/metric:Metric';
const POLICY = 'gcp:monitoring/alertPolicy:AlertPolicy';
const SCHEDULE = 'gcp:cloudscheduler/job:Job';
const SERVICE_INVOKER = 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember';

/** A service's or job's container environment, with each secret replaced by a stand-in value of the right shape. */
export function containerEnv(
  resource: DeclaredResource,
  resources: readonly DeclaredResource[],
): { env: NodeJS.ProcessEnv; problems: string[] } {
  const container = (resource.inputs.template?.containers ?? resource.inputs.template?.template?.containers)?.[0] ?? {};
  const secrets = new Set(ofType(resources, SECRET).map((secret) => secret.inputs.secretId));
  // What Cloud Run sets in a service's container (https://cloud.google.com/run/docs/container-contract#env-vars).
  const env: NodeJS.ProcessEnv = resource.type === SERVICE ? { K_SERVICE: resource.inputs.name } : {};
  const problems: string[] = [];
  for (const variable of container.envs ?? []) {
    if (variable.valueSource?.secretKeyRef) {
      const secret = variable.valueSource.secretKeyRef.secret;
      if (!secrets.has(secret))
        problems.push(`${resource.name}: ${variable.name} reads secret ${secret}, which the program does not declare`);
      env[variable.name] = 'secret-from-secret-manager-0123456789';
    } else env[variable.name] = variable.value;
  }
  return { env, problems };
}

function service(resources: readonly DeclaredResource[], app: 'coordinator' | 'worker'): DeclaredResource | undefined {
  return ofType(resources, SERVICE).find((resource) => resource.inputs.name.startsWith(`prediction-${app}`));
}

/** The services' and jobs' environments are what their own configuration accepts, for this environment. */
export function checkEnvironments(
  resources: readonly DeclaredResource[],
  parsers: CodeParsers,
  expected: Expectations,
): string[] {
  const problems: string[] = [];
  const attempt = <T>(what: string, parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push(`${what}: its configuration refuses the declared environment: ${errorMessage(error)}`);
      return undefined;
    }
  };
  const coordinator = service(resources, 'coordinator');
  const worker = service(resources, 'worker');
  if (!coordinator || !worker) return ['the program declares no coordinator or no worker service'];
  const coordinatorEnv = containerEnv(coordinator, resources);
  const workerEnv = containerEnv(worker, resources);
  problems.push(...coordinatorEnv.problems, ...workerEnv.problems);
  const coordinatorConfig = attempt(coordinator.name, () => parsers.coordinator(coordinatorEnv.env));
  if (coordinatorConfig) {
    if (coordinatorConfig.gcp?.projectId !== expected.project)
      problems.push(
        `${coordinator.name}: runs on ${coordinatorConfig.gcp ? `project ${coordinatorConfig.gcp.projectId}` : 'the local backend'}, expected gcp in ${expected.project}`,
      );
    if (coordinatorConfig.datasetPrefix !== expected.datasetPrefix)
      problems.push(
        `${coordinator.name}: dataset prefix "${coordinatorConfig.datasetPrefix}", the environment's is "${expected.datasetPrefix}"`,
      );
    if (coordinatorConfig.gcp && coordinatorConfig.gcp.firestoreDatabase !== expected.firestoreDatabase)
      problems.push(
        `${coordinator.name}: Firestore database ${coordinatorConfig.gcp.firestoreDatabase}, the environment's is ${expected.firestoreDatabase}`,
      );
  }
  const workerConfig = attempt(worker.name, () => parsers.worker(workerEnv.env));
  if (workerConfig && workerConfig.gcp?.projectId !== expected.project)
    problems.push(
      `${worker.name}: runs on ${workerConfig.gcp ? `project ${workerConfig.gcp.projectId}` : 'the local backend'}, expected gcp in ${expected.project}`,
    );
  // A staging worker without the prefix probes and records in production's datasets, which its identity may not read.
  if (workerConfig && workerConfig.datasetPrefix !== expected.datasetPrefix)
    problems.push(
      `${worker.name}: dataset prefix "${workerConfig.datasetPrefix}", the environment's is "${expected.datasetPrefix}"`,
    );
  for (const job of ofType(resources, JOB)) {
    const jobEnv = containerEnv(job, resources);
    problems.push(...jobEnv.problems);
    const parsed = attempt(job.name, () => parsers.job(jobEnv.env));
    if (parsed && (parsed.PROPS_BACKEND !== 'gcp' || parsed.FIRESTORE_DATABASE !== expected.firestoreDatabase))
      problems.push(
        `${job.name}: backend ${parsed.PROPS_BACKEND}, Firestore ${parsed.FIRESTORE_DATABASE}; expected gcp and ${expected.firestoreDatabase}`,
      );
  }
  return problems;
}

/** Every topic the code publishes to exists, and the push subscriptions deliver to the routes that read them. */
export function checkTopics(resources: readonly DeclaredResource[], parsers: CodeParsers): string[] {
  const problems: string[] = [];
  const topics = new Set(ofType(resources, TOPIC).map((topic) => topic.inputs.name));
  const coordinator = service(resources, 'coordinator');
  const worker = service(resources, 'worker');
  if (!coordinator || !worker) return ['the program declares no coordinator or no worker service'];
  let coordinatorTopics: { predictionRequest: string; predictionsComplete: string };
  let readyTopic: string;
  try {
    coordinatorTopics = parsers.coordinator(containerEnv(coordinator, resources).env).topics;
    readyTopic = parsers.worker(containerEnv(worker, resources).env).completionTopic;
  } catch (error) {
    return [`topics: a service's configuration refuses its environment: ${errorMessage(error)}`];
  }
  for (const [who, topic] of [
    ['the coordinator publishes requests to', coordinatorTopics.predictionRequest],
    ['the coordinator publishes the phase-5 completion to', coordinatorTopics.predictionsComplete],
    ['the worker publishes completions to', readyTopic],
  ] as const) {
    if (!topics.has(topic)) problems.push(`${who} ${topic}, which the program does not declare`);
  }
  const pushes = ofType(resources, SUBSCRIPTION).filter((subscription) => subscription.inputs.pushConfig);
  for (const [topic, target, path] of [
    [coordinatorTopics.predictionRequest, worker, '/predict'],
    [readyTopic, coordinator, '/complete'],
  ] as const) {
    const subscription = pushes.find((candidate) => String(candidate.inputs.topic).endsWith(`/topics/${topic}`));
    const expected = `${target.outputs.uri}${path}`;
    if (!subscription) problems.push(`no push subscription delivers ${topic} to ${target.inputs.name}${path}`);
    else if (subscription.inputs.pushConfig.pushEndpoint !== expected)
      problems.push(
        `subscription ${subscription.inputs.name} pushes ${topic} to ${subscription.inputs.pushConfig.pushEndpoint}, expected ${expected}`,
      );
    else if (
      subscription.inputs.deadLetterPolicy?.maxDeliveryAttempts !== 5 ||
      subscription.inputs.ackDeadlineSeconds !== 300
    )
      problems.push(
        `subscription ${subscription.inputs.name}: expected a dead-letter topic after 5 attempts and an ack deadline of 300 s`,
      );
  }
  return problems;
}

/** Each push and scheduled call carries an OIDC token the receiving service's own check accepts, from an identity allowed to invoke it. */
export function checkCallerIdentities(resources: readonly DeclaredResource[], parsers: CodeParsers): string[] {
  const problems: string[] = [];
  const coordinator = service(resources, 'coordinator');
  const worker = service(resources, 'worker');
  if (!coordinator || !worker) return ['the program declares no coordinator or no worker service'];
  const policies = new Map<DeclaredResource, { audience: string; serviceAccounts: readonly string[] } | null>();
  try {
    // The policies each service's own configuration derives from its environment: what its OIDC check accepts.
    policies.set(coordinator, parsers.coordinator(containerEnv(coordinator, resources).env).oidc);
    policies.set(worker, parsers.worker(containerEnv(worker, resources).env).pushAuth);
  } catch (error) {
    return [`identities: a service's configuration refuses its environment: ${errorMessage(error)}`];
  }
  const invokers = ofType(resources, SERVICE_INVOKER).filter((binding) => binding.inputs.role === 'roles/run.invoker');
  for (const target of [coordinator, worker]) {
    // A service that trusts Cloud Run's check of its callers' tokens must keep that check (docs/operations/authentication.md).
    if (containerEnv(target, resources).env.PROPS_AUTH_FRONT_END !== 'cloud-run') continue;
    if (target.inputs.invokerIamDisabled === true)
      problems.push(
        `${target.inputs.name}: trusts Cloud Run's IAM check (PROPS_AUTH_FRONT_END) with the invoker check disabled`,
      );
    for (const binding of invokers.filter(
      (candidate) =>
        candidate.inputs.name === target.inputs.name &&
        ['allUsers', 'allAuthenticatedUsers'].includes(String(candidate.inputs.member)),
    ))
      problems.push(
        `${target.inputs.name}: trusts Cloud Run's IAM check (PROPS_AUTH_FRONT_END) but ${binding.inputs.member} may invoke it`,
      );
  }
  const callers: Array<{
    what: string;
    token: { serviceAccountEmail: string; audience: string };
    target: DeclaredResource;
  }> = [];
  for (const subscription of ofType(resources, SUBSCRIPTION).filter((candidate) => candidate.inputs.pushConfig)) {
    const target = String(subscription.inputs.pushConfig.pushEndpoint).startsWith(String(worker.outputs.uri))
      ? worker
      : coordinator;
    callers.push({
      what: `subscription ${subscription.inputs.name}`,
      token: subscription.inputs.pushConfig.oidcToken ?? {},
      target,
    });
  }
  for (const schedule of ofType(resources, SCHEDULE).filter((job) => job.inputs.httpTarget?.oidcToken)) {
    callers.push({
      what: `schedule ${schedule.inputs.name}`,
      token: schedule.inputs.httpTarget.oidcToken,
      target: coordinator,
    });
  }
  for (const { what, token, target } of callers) {
    const policy = policies.get(target);
    if (!policy) problems.push(`${what}: ${target.inputs.name} checks no OIDC token`);
    else if (token.audience !== policy.audience)
      problems.push(`${what}: token audience ${token.audience}, but ${target.inputs.name} accepts ${policy.audience}`);
    else if (!policy.serviceAccounts.includes(token.serviceAccountEmail))
      problems.push(
        `${what}: signs as ${token.serviceAccountEmail}, which ${target.inputs.name} does not accept (${policy.serviceAccounts.join(', ')})`,
      );
    else if (!(target.inputs.customAudiences ?? []).includes(token.audience))
      problems.push(
        `${what}: audience ${token.audience} is not one of ${target.inputs.name}'s custom audiences, so Cloud Run refuses the token`,
      );
    else if (
      !invokers.some(
        (binding) =>
          binding.inputs.name === target.inputs.name &&
          binding.inputs.member === `serviceAccount:${token.serviceAccountEmail}`,
      )
    )
      problems.push(`${what}: ${token.serviceAccountEmail} may not invoke ${target.inputs.name}`);
  }
  return problems;
}

/** Every table of libs/warehouse is declared, in the environment's dataset, with the definition's schema, partitioning and clustering. */
export function checkTables(resources: readonly DeclaredResource[], datasetPrefix: string): string[] {
  const problems: string[] = [];
  const declared = ofType(resources, TABLE);
  for (const table of WAREHOUSE_TABLES) {
    const where = `${datasetName(table, datasetPrefix)}.${table.name}`;
    const found = declared.find(
      (candidate) =>
        candidate.inputs.datasetId === datasetName(table, datasetPrefix) && candidate.inputs.tableId === table.name,
    );
    if (!found) {
      problems.push(`table ${where} is written by the code but not declared`);
      continue;
    }
    if (found.inputs.schema !== JSON.stringify(renderBigQuerySchema(table)))
      problems.push(`table ${where}: the declared schema differs from the table definition`);
    if ((found.inputs.timePartitioning?.field ?? undefined) !== table.partitionBy)
      problems.push(
        `table ${where}: partitioned on ${found.inputs.timePartitioning?.field ?? 'nothing'}, the definition says ${table.partitionBy ?? 'nothing'}`,
      );
    if (JSON.stringify(found.inputs.clusterings ?? []) !== JSON.stringify(clusteringOf(table)))
      problems.push(
        `table ${where}: clustered on ${(found.inputs.clusterings ?? []).join(', ')}, the definition's key gives ${clusteringOf(table).join(', ')}`,
      );
  }
  for (const table of declared) {
    if (
      !WAREHOUSE_TABLES.some(
        (definition) =>
          datasetName(definition, datasetPrefix) === table.inputs.datasetId && definition.name === table.inputs.tableId,
      )
    )
      problems.push(
        `table ${table.inputs.datasetId}.${table.inputs.tableId} is declared but has no definition in libs/warehouse`,
      );
  }
  return problems;
}

/** Every event the code marks alertable has a log-based metric keyed on it and a policy watching that metric. */
export function checkAlerts(
  resources: readonly DeclaredResource[],
  alertable: readonly string[] = ALERTABLE_EVENTS,
): string[] {
  const metricOf = new Map<string, string>();
  for (const metric of ofType(resources, METRIC)) {
    const event = /^jsonPayload\.event="([a-z0-9_]+)"/.exec(metric.inputs.filter)?.[1];
    if (event) metricOf.set(event, metric.inputs.name);
  }
  const watched = new Set(
    ofType(resources, POLICY).flatMap((policy) =>
      (policy.inputs.conditions ?? []).map(
        (condition: ProviderProperties) =>
          /user\/(\w+)/.exec(condition.conditionThreshold?.filter ?? condition.conditionAbsent?.filter ?? '')?.[1],
      ),
    ),
  );
  return alertable.flatMap((event) => {
    const metric = metricOf.get(event);
    if (!metric) return [`event ${event} is alertable but no declared log-based metric counts it`];
    return watched.has(metric) ? [] : [`event ${event} is alertable but no declared policy watches metric ${metric}`];
  });
}

const BASIC_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);
const PROJECT_LEVEL_ALLOWED = new Set<string>([
  ...Object.values(PROJECT_ROLES).flat(),
  ...DEPLOYER_ROLES,
  ...INFRA_ROLES,
  ...PREVIEW_ROLES,
]);

/** No basic role anywhere; project-level grants only from the lists that say why each identity needs them. */
export function checkRoles(resources: readonly DeclaredResource[]): string[] {
  const problems: string[] = [];
  for (const resource of resources) {
    const role = resource.inputs.role;
    if (typeof role !== 'string') continue;
    if (BASIC_ROLES.has(role)) problems.push(`${resource.name}: grants the basic role ${role}`);
    else if (resource.type === 'gcp:projects/iAMMember:IAMMember' && !PROJECT_LEVEL_ALLOWED.has(role))
      problems.push(`${resource.name}: grants ${role} on the whole project, which no identity's list allows`);
  }
  return problems;
}

/** The scheduled bodies are what the coordinator's routes accept; the scheduled jobs exist. */
export function checkSchedules(resources: readonly DeclaredResource[]): string[] {
  const problems: string[] = [];
  const jobs = new Set(ofType(resources, JOB).map((job) => job.inputs.name));
  for (const schedule of ofType(resources, SCHEDULE)) {
    const target = schedule.inputs.httpTarget;
    const uri = String(target.uri);
    if (uri.startsWith('https://run.googleapis.com/')) {
      const job = /\/jobs\/([^:]+):run$/.exec(uri)?.[1];
      if (!job || !jobs.has(job))
        problems.push(`schedule ${schedule.inputs.name} runs job ${job ?? uri}, which the program does not declare`);
      continue;
    }
    const body = JSON.parse(Buffer.from(target.body ?? '', 'base64').toString('utf8') || '{}');
    if (uri.endsWith('/start')) {
      const parsed = StartBatchRequestSchema.safeParse(body);
      if (!parsed.success)
        problems.push(
          `schedule ${schedule.inputs.name}: /start refuses its body: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
        );
      else if (unknownStartFields(parsed.data).length > 0)
        problems.push(`schedule ${schedule.inputs.name}: /start ignores ${unknownStartFields(parsed.data).join(', ')}`);
    } else if (uri.endsWith('/check-stalled')) {
      const unknown = Object.keys(body).filter((key) => !(key in CheckStalledRequestSchema.shape));
      const parsed = CheckStalledRequestSchema.safeParse(body);
      if (unknown.length > 0)
        problems.push(`schedule ${schedule.inputs.name}: /check-stalled does not read ${unknown.join(', ')}`);
      else if (!parsed.success)
        problems.push(
          `schedule ${schedule.inputs.name}: /check-stalled refuses its body: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
        );
    } else problems.push(`schedule ${schedule.inputs.name} calls ${uri}, which no route answers`);
  }
  return problems;
}

/**
 * The deploy workflow mints identity tokens for the services (deploy.yml's `id_token_audience`):
 * each must be a custom audience of a declared service, or Cloud Run refuses the token, and each
 * service's audience must be minted, or its rollout cannot probe it.
 */
export function checkDeployAudiences(workflow: string, resources: readonly DeclaredResource[]): string[] {
  const minted = new Set([...workflow.matchAll(/^\s*id_token_audience:\s*(\S+)\s*$/gm)].map((match) => match[1]!));
  const accepted = new Set(
    ofType(resources, SERVICE).flatMap((declared) => (declared.inputs.customAudiences ?? []) as string[]),
  );
  return [
    ...[...minted]
      .filter((audience) => !accepted.has(audience))
      .map((audience) => `deploy workflow: a token for ${audience}, which no declared service accepts`),
    ...[...accepted]
      .filter((audience) => !minted.has(audience))
      .map((audience) => `deploy workflow: no token for ${audience}, so that service's rollout cannot be probed`),
  ];
}

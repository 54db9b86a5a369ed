import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironment } from '@props/configuration';
import { loadCoordinatorConfig } from '../../apps/coordinator/src/coordinator-config';
import { loadWorkerConfig } from '../../apps/worker/src/worker-config';
import { backendEnvironment } from '../../apps/cli/src/backend-environment';
import {
  checkAlerts,
  checkCallerIdentities,
  checkDeployAudiences,
  checkEnvironments,
  checkRoles,
  checkSchedules,
  checkTables,
  checkTopics,
  type CodeParsers,
  type DeclaredResource,
} from './cross-checks';
import { environmentNames } from './names';
import type { EnvironmentSettings } from './settings';

const PROJECT = 'props-test-project';

/**
 * The program runs under Pulumi's mocks: offline, no CLI, no credentials. Each resource is
 * recorded with its resolved inputs; the mocks answer what only the provider knows (a service's
 * URL, an account's email) and echo the rest, so only the cross-checks below catch a mistake.
 */
function recordingMocks(declared: DeclaredResource[]): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs = args.inputs as Record<string, any>;
      const outputs: Record<string, any> = { ...inputs };
      if (args.type === 'gcp:serviceaccount/account:Account') {
        outputs.email = `${inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`;
        outputs.member = `serviceAccount:${outputs.email}`;
        outputs.name = `projects/${PROJECT}/serviceAccounts/${outputs.email}`;
      }
      if (args.type === 'gcp:cloudrunv2/service:Service') outputs.uri = `https://${inputs.name}-x7k2q9-wl.a.run.app`;
      if (args.type === 'gcp:iam/workloadIdentityPool:WorkloadIdentityPool')
        outputs.name = `projects/123456789/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`;
      const id =
        args.type === 'gcp:pubsub/topic:Topic' ? `projects/${PROJECT}/topics/${inputs.name}` : `${args.name}_id`;
      declared.push({ type: args.type, name: args.name, inputs, outputs });
      return { id, state: outputs };
    },
    call(args) {
      if (args.token === 'gcp:organizations/getProject:getProject') return { number: '123456789', projectId: PROJECT };
      return args.inputs;
    },
  };
}

/** Runs the platform stack's part and resolves once every resource is registered. */
async function declarePlatformUnderMocks(): Promise<DeclaredResource[]> {
  const declared: DeclaredResource[] = [];
  await pulumi.runtime.setMocks(recordingMocks(declared), 'nba-props', 'platform', false);
  const { declarePlatform } = await import('./platform');
  const { pool } = declarePlatform({
    environment: 'platform',
    project: PROJECT,
    region: 'us-west2',
    githubRepository: 'example/nba-props-platform',
  });
  await new Promise<void>((resolveOutputs) => pool.name.apply(() => resolveOutputs()));
  await settled(declared);
  return declared;
}

/** Resources whose inputs wait on other resources' outputs register a little later. */
async function settled(declared: DeclaredResource[]) {
  let count = -1;
  while (count !== declared.length) {
    count = declared.length;
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** Runs the program for one environment and resolves once every resource is registered. */
async function declareUnderMocks(environment: EnvironmentSettings['environment']): Promise<DeclaredResource[]> {
  const declared: DeclaredResource[] = [];
  await pulumi.runtime.setMocks(recordingMocks(declared), 'nba-props', environment, false);
  const { declareEnvironment } = await import('./environment');
  const settings: EnvironmentSettings = {
    environment,
    project: PROJECT,
    region: 'us-west2',
    bigqueryLocation: 'us-west2',
    githubRepository: 'example/nba-props-platform',
    bootstrapImage: 'us-docker.pkg.dev/cloudrun/container/hello',
    notificationChannel: `projects/${PROJECT}/notificationChannels/1`,
  };
  const outputs = declareEnvironment(settings);
  await new Promise<void>((resolveOutputs) =>
    pulumi.all([outputs.coordinatorUrl, outputs.workerUrl]).apply(() => resolveOutputs()),
  );
  await settled(declared);
  return declared;
}

const parsers: CodeParsers = {
  coordinator: loadCoordinatorConfig,
  worker: loadWorkerConfig,
  job: (env) => parseEnvironment(backendEnvironment({}), env),
};

/** A deep copy with one change, for planting a mismatch in what the program declared. */
function planted(
  resources: readonly DeclaredResource[],
  change: (copy: DeclaredResource[]) => void,
): DeclaredResource[] {
  const copy = structuredClone(resources) as DeclaredResource[];
  change(copy);
  return copy;
}
const find = (resources: DeclaredResource[], type: string, name: string) =>
  resources.find((resource) => resource.type === type && resource.inputs.name === name)!;
const envOf = (resource: DeclaredResource) =>
  resource.inputs.template.containers[0].envs as Array<{ name: string; value?: string; valueSource?: unknown }>;

const environments: Record<string, DeclaredResource[]> = {};
beforeAll(async () => {
  environments.production = await declareUnderMocks('production');
  environments.staging = await declareUnderMocks('staging');
  environments.platform = await declarePlatformUnderMocks();
}, 60_000);

describe.each(['production', 'staging'] as const)('the %s environment as declared', (environment) => {
  const names = environmentNames({ environment });
  const expected = { project: PROJECT, datasetPrefix: names.datasetPrefix, firestoreDatabase: names.firestoreDatabase };

  it('passes every cross-check with the code', () => {
    const resources = environments[environment]!;
    expect(resources.length).toBeGreaterThan(60);
    expect(checkEnvironments(resources, parsers, expected)).toEqual([]);
    expect(checkTopics(resources, parsers)).toEqual([]);
    expect(checkCallerIdentities(resources, parsers)).toEqual([]);
    expect(checkTables(resources, names.datasetPrefix)).toEqual([]);
    expect(checkRoles(resources)).toEqual([]);
    expect(checkSchedules(resources)).toEqual([]);
  });

  it('runs the services with CPU only during requests, a startup probe on /health/ready and their own identities', () => {
    for (const app of [names.coordinator, names.worker]) {
      const service = find(environments[environment]!, 'gcp:cloudrunv2/service:Service', app);
      const container = service.inputs.template.containers[0];
      expect(container.resources.cpuIdle, app).toBe(true);
      expect(container.startupProbe.httpGet.path, app).toBe('/health/ready');
      expect(service.inputs.template.serviceAccount, app).toMatch(
        new RegExp(`^props-(coordinator|worker)${names.suffix}@`),
      );
    }
  });
});

const deployWorkflow = () => readFileSync(join(import.meta.dirname, '../../.github/workflows/deploy.yml'), 'utf8');
const bothEnvironments = () => [...environments.production!, ...environments.staging!];

describe('the deploy workflow', () => {
  it("mints identity tokens for exactly the services' custom audiences, in both environments", () => {
    expect(checkDeployAudiences(deployWorkflow(), bothEnvironments())).toEqual([]);
  });
});

describe('the production environment only', () => {
  it('declares a policy for every alertable event and the original scheduler times; the platform stack the GitHub workload identity for this repository', () => {
    const resources = environments.production!;
    expect(checkAlerts(resources)).toEqual([]);
    const platform = environments.platform!;
    expect(checkRoles(platform)).toEqual([]);
    const provider = platform.find(
      (resource) => resource.type === 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider',
    )!;
    expect(provider.inputs.attributeCondition).toBe(
      'assertion.repository == "example/nba-props-platform" && (assertion.ref == "refs/heads/main" || assertion.event_name == "pull_request")',
    );
    // A pull request passes the provider (for the preview), so the deploy and infra identities take
    // main's runs only, and the read-only preview identity pull requests' runs only.
    const githubBindings = platform.filter(
      (resource) =>
        resource.type === 'gcp:serviceaccount/iAMMember:IAMMember' &&
        resource.inputs.role === 'roles/iam.workloadIdentityUser',
    );
    expect(githubBindings.map((binding) => binding.name).sort()).toEqual([
      'props-deployer-github',
      'props-infra-github',
      'props-preview-github',
    ]);
    for (const binding of githubBindings)
      expect(String(binding.inputs.member), binding.name).toMatch(
        binding.name === 'props-preview-github'
          ? /\/attribute\.event_name\/pull_request$/
          : /\/attribute\.ref\/refs\/heads\/main$/,
      );
    const schedules = Object.fromEntries(
      resources
        .filter((resource) => resource.type === 'gcp:cloudscheduler/job:Job')
        .map((job) => [job.inputs.name, `${job.inputs.schedule} ${job.inputs.timeZone}`]),
    );
    expect(schedules).toMatchObject({
      'same-day-predictions': '30 11 * * * America/New_York',
      'prediction-stall-check': '*/15 18-23,0-2 * * * America/New_York',
      'grading-daily': '0 11 * * * America/New_York',
      'verify-daily': '30 11 * * * America/New_York',
    });
  });

  it('leaves staging without alerts and with its own names: nothing of production is touched by it', () => {
    const staging = environments.staging!;
    expect(staging.filter((resource) => resource.type === 'gcp:monitoring/alertPolicy:AlertPolicy')).toEqual([]);
    const production = new Set(
      environments
        .production!.filter((resource) => resource.inputs.name)
        .map((resource) => `${resource.type} ${resource.inputs.name}`),
    );
    const shared = staging.filter(
      (resource) =>
        resource.inputs.name &&
        production.has(`${resource.type} ${resource.inputs.name}`) &&
        resource.type !== 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
    );
    expect(shared.map((resource) => `${resource.type} ${resource.inputs.name}`)).toEqual([]);
    expect(
      staging
        .filter((resource) => resource.type === 'gcp:bigquery/dataset:Dataset')
        .map((dataset) => dataset.inputs.datasetId)
        .sort(),
    ).toEqual(['staging_nba_analytics', 'staging_nba_orchestration', 'staging_nba_predictions', 'staging_nba_raw']);
  });
});

describe('each cross-check fails on a planted mismatch', () => {
  const production = () => environments.production!;
  const expected = { project: PROJECT, datasetPrefix: '', firestoreDatabase: '(default)' };

  it('a topic the worker publishes to that the program does not declare', () => {
    const resources = planted(production(), (copy) => {
      envOf(find(copy, 'gcp:cloudrunv2/service:Service', 'prediction-worker')).find(
        (variable) => variable.name === 'PUBSUB_READY_TOPIC',
      )!.value = 'prediction-ready-typo';
    });
    expect(checkTopics(resources, parsers)).toContain(
      'the worker publishes completions to prediction-ready-typo, which the program does not declare',
    );
  });

  it('a push subscription delivering to the wrong route', () => {
    const resources = planted(production(), (copy) => {
      find(copy, 'gcp:pubsub/subscription:Subscription', 'prediction-request-prod').inputs.pushConfig.pushEndpoint =
        'https://prediction-worker-x7k2q9-wl.a.run.app/complete';
    });
    expect(checkTopics(resources, parsers)).toContain(
      'subscription prediction-request-prod pushes prediction-request-prod to https://prediction-worker-x7k2q9-wl.a.run.app/complete, expected https://prediction-worker-x7k2q9-wl.a.run.app/predict',
    );
  });

  it('an environment variable the service needs, missing', () => {
    const resources = planted(production(), (copy) => {
      const envs = envOf(find(copy, 'gcp:cloudrunv2/service:Service', 'prediction-coordinator'));
      envs.splice(
        envs.findIndex((variable) => variable.name === 'GCP_PROJECT_ID'),
        1,
      );
    });
    expect(checkEnvironments(resources, parsers, expected).join('\n')).toMatch(
      /prediction-coordinator: its configuration refuses the declared environment: .*GCP_PROJECT_ID.*required with PROPS_BACKEND=gcp/,
    );
  });

  it('a secret the service reads that the program does not declare', () => {
    const resources = planted(production(), (copy) => {
      copy.splice(
        copy.findIndex((resource) => resource.type === 'gcp:secretmanager/secret:Secret'),
        1,
      );
    });
    expect(checkEnvironments(resources, parsers, expected)).toContain(
      'prediction-coordinator: PROPS_API_KEY reads secret coordinator-api-key, which the program does not declare',
    );
  });

  it('a staging coordinator pointed at production datasets', () => {
    const resources = planted(environments.staging!, (copy) => {
      envOf(find(copy, 'gcp:cloudrunv2/service:Service', 'prediction-coordinator-staging')).find(
        (variable) => variable.name === 'PROPS_DATASET_PREFIX',
      )!.value = '';
    });
    expect(
      checkEnvironments(resources, parsers, {
        project: PROJECT,
        datasetPrefix: 'staging',
        firestoreDatabase: 'staging',
      }),
    ).toContain('prediction-coordinator-staging: dataset prefix "", the environment\'s is "staging"');
  });

  it('a staging worker pointed at production datasets', () => {
    const resources = planted(environments.staging!, (copy) => {
      const env = envOf(find(copy, 'gcp:cloudrunv2/service:Service', 'prediction-worker-staging'));
      env.splice(
        env.findIndex((variable) => variable.name === 'PROPS_DATASET_PREFIX'),
        1,
      );
    });
    expect(
      checkEnvironments(resources, parsers, {
        project: PROJECT,
        datasetPrefix: 'staging',
        firestoreDatabase: 'staging',
      }),
    ).toContain('prediction-worker-staging: dataset prefix "", the environment\'s is "staging"');
  });

  it('a table whose declared schema lost a column', () => {
    const resources = planted(production(), (copy) => {
      const table = copy.find(
        (resource) =>
          resource.type === 'gcp:bigquery/table:Table' && resource.inputs.tableId === 'player_prop_predictions',
      )!;
      table.inputs.schema = JSON.stringify(
        JSON.parse(table.inputs.schema).filter((field: { name: string }) => field.name !== 'current_points_line'),
      );
    });
    expect(checkTables(resources, '')).toEqual([
      'table nba_predictions.player_prop_predictions: the declared schema differs from the table definition',
    ]);
  });

  it('an alertable event without a policy', () => {
    const resources = planted(production(), (copy) => {
      copy.splice(
        copy.findIndex(
          (resource) =>
            resource.type === 'gcp:monitoring/alertPolicy:AlertPolicy' &&
            resource.name === 'props_consolidation_failed',
        ),
        1,
      );
    });
    expect(checkAlerts(resources)).toEqual([
      'event consolidation_failed is alertable but no declared policy watches metric props_consolidation_failed',
    ]);
  });

  it("a push signed for an audience the worker's OIDC check does not accept", () => {
    const resources = planted(production(), (copy) => {
      find(
        copy,
        'gcp:pubsub/subscription:Subscription',
        'prediction-request-prod',
      ).inputs.pushConfig.oidcToken.audience = 'https://prediction-worker-x7k2q9-wl.a.run.app';
    });
    expect(checkCallerIdentities(resources, parsers)).toEqual([
      'subscription prediction-request-prod: token audience https://prediction-worker-x7k2q9-wl.a.run.app, but prediction-worker accepts https://prediction-worker.props',
    ]);
  });

  it('a deploy token minted for an audience the worker does not have', () => {
    const workflow = deployWorkflow().replace(
      'id_token_audience: https://prediction-worker.props',
      'id_token_audience: https://prediction-worker-x7k2q9-wl.a.run.app',
    );
    expect(checkDeployAudiences(workflow, bothEnvironments())).toEqual([
      'deploy workflow: a token for https://prediction-worker-x7k2q9-wl.a.run.app, which no declared service accepts',
      "deploy workflow: no token for https://prediction-worker.props, so that service's rollout cannot be probed",
    ]);
  });

  it("a service that trusts Cloud Run's IAM check, opened to everyone", () => {
    const resources = planted(production(), (copy) => {
      find(copy, 'gcp:cloudrunv2/service:Service', 'prediction-worker').inputs.invokerIamDisabled = true;
      copy.push({
        type: 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
        name: 'prediction-coordinator-public',
        inputs: { name: 'prediction-coordinator', role: 'roles/run.invoker', member: 'allUsers' },
        outputs: {},
      });
    });
    expect(checkCallerIdentities(resources, parsers)).toEqual([
      "prediction-coordinator: trusts Cloud Run's IAM check (PROPS_AUTH_FRONT_END) but allUsers may invoke it",
      "prediction-worker: trusts Cloud Run's IAM check (PROPS_AUTH_FRONT_END) with the invoker check disabled",
    ]);
  });

  it('a push identity the worker does not allow', () => {
    const resources = planted(production(), (copy) => {
      find(
        copy,
        'gcp:pubsub/subscription:Subscription',
        'prediction-request-prod',
      ).inputs.pushConfig.oidcToken.serviceAccountEmail = `props-scheduler@${PROJECT}.iam.gserviceaccount.com`;
    });
    expect(checkCallerIdentities(resources, parsers)).toEqual([
      `subscription prediction-request-prod: signs as props-scheduler@${PROJECT}.iam.gserviceaccount.com, which prediction-worker does not accept (props-pusher@${PROJECT}.iam.gserviceaccount.com)`,
    ]);
  });

  it('a basic role, and a project-wide role no list allows', () => {
    const resources = planted(production(), (copy) => {
      copy.push({
        type: 'gcp:projects/iAMMember:IAMMember',
        name: 'props-worker-editor',
        inputs: { role: 'roles/editor', member: 'serviceAccount:props-worker@x' },
        outputs: {},
      });
      copy.push({
        type: 'gcp:projects/iAMMember:IAMMember',
        name: 'props-worker-bigquery-admin',
        inputs: { role: 'roles/bigquery.admin2', member: 'serviceAccount:props-worker@x' },
        outputs: {},
      });
    });
    expect(checkRoles(resources)).toEqual([
      'props-worker-editor: grants the basic role roles/editor',
      "props-worker-bigquery-admin: grants roles/bigquery.admin2 on the whole project, which no identity's list allows",
    ]);
  });

  it('a scheduled /start body the coordinator refuses, and a schedule running a job that does not exist', () => {
    const resources = planted(production(), (copy) => {
      find(copy, 'gcp:cloudscheduler/job:Job', 'same-day-predictions').inputs.httpTarget.body = Buffer.from(
        JSON.stringify({ game_date: '2025-02-30', force: true }),
      ).toString('base64');
      find(copy, 'gcp:cloudscheduler/job:Job', 'grading-daily').inputs.httpTarget.uri =
        `https://run.googleapis.com/v2/projects/${PROJECT}/locations/us-west2/jobs/props-grading:run`;
    });
    const problems = checkSchedules(resources).sort();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('schedule grading-daily runs job props-grading, which the program does not declare');
    expect(problems[1]).toMatch(/^schedule same-day-predictions: \/start refuses its body: game_date /);
  });

  it('a scheduled /check-stalled body the coordinator refuses (a percentage over 100) or does not read (a misspelt field)', () => {
    const stallCheck = (body: object) =>
      planted(production(), (copy) => {
        find(copy, 'gcp:cloudscheduler/job:Job', 'prediction-stall-check').inputs.httpTarget.body = Buffer.from(
          JSON.stringify(body),
        ).toString('base64');
      });
    expect(checkSchedules(stallCheck({ stall_threshold_minutes: 10, min_completion_pct: 950 }))).toEqual([
      'schedule prediction-stall-check: /check-stalled refuses its body: min_completion_pct Too big: expected number to be <=100',
    ]);
    expect(checkSchedules(stallCheck({ stall_threshold_minute: 10 }))).toEqual([
      'schedule prediction-stall-check: /check-stalled does not read stall_threshold_minute',
    ]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { originalResources } from './adoption';
import { REQUIRED_APIS } from './apis';
import type { EnvironmentSettings } from './settings';
import { foreignReferences } from './stack-references';
import { readProjectFile, runThroughPulumiHost, type HostedRun } from './test-support/pulumi-host';

/**
 * `pulumi up` loads this program through Pulumi's Node.js language host, not through vitest: the
 * host runs `node <nodeargs> @pulumi/pulumi/cmd/run ... src/index.ts` with the project's runtime
 * options. These tests run that same entry as a child process, with Pulumi's mock monitor in place
 * of the engine (test-support/mock-engine.ts), for both stacks and with their own stack files.
 */
const runs: Record<string, HostedRun> = {};
beforeAll(async () => {
  const [production, staging, platform] = await Promise.all([
    runThroughPulumiHost('production', {
      config: { 'nba-props:notificationChannel': 'projects/nba-props-platform/notificationChannels/test' },
    }),
    runThroughPulumiHost('staging'),
    runThroughPulumiHost('platform'),
  ]);
  runs.production = production;
  runs.staging = staging;
  runs.platform = platform;
}, 240_000);

const STACKS = ['platform', 'production', 'staging'] as const;

describe.each(STACKS)('the %s stack, loaded the way the Pulumi CLI loads it', (stack) => {
  it('names a bad stack setting in one line, without a stack trace', async () => {
    const run = await runThroughPulumiHost(stack, {
      environment: {
        PULUMI_CONFIG: JSON.stringify({
          'gcp:config:project': 'p',
          'gcp:config:region': 'r',
          'nba-props:config:environment': 'prod',
          'nba-props:config:githubRepository': 'o/n',
        }),
      },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('nba-props:environment: expected platform, staging, production, got prod');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('runs to the end and registers the whole environment', () => {
    const run = runs[stack]!;
    expect(run.stderr).not.toMatch(/error|unhandled exception/i);
    expect(run.status).toBe(0);
    const count = (type: string) => run.resources.filter((resource) => resource.type === type).length;
    expect(count('pulumi:pulumi:Stack')).toBe(1);
    expect(count('gcp:cloudrunv2/service:Service')).toBe(stack === 'platform' ? 0 : 2);
    expect(count('gcp:cloudrunv2/job:Job')).toBe(stack === 'platform' ? 0 : 4);
    expect(count('gcp:iam/workloadIdentityPool:WorkloadIdentityPool')).toBe(stack === 'platform' ? 1 : 0);
    expect(run.resources.length).toBeGreaterThan({ platform: 30, production: 120, staging: 70 }[stack]);
    console.info(`${stack}: ${run.resources.length} resources registered through @pulumi/pulumi/cmd/run`);
  });
});

describe('a fresh project', () => {
  it('enables every API the environment uses, iam.googleapis.com included, before anything that needs one', () => {
    for (const stack of STACKS) {
      const { resources } = runs[stack]!;
      const apis = resources.filter((resource) => resource.type === 'gcp:projects/service:Service');
      expect(apis.map((api) => api.inputs.service).sort(), stack).toEqual([...REQUIRED_APIS].sort());
      const iam = apis.find((api) => api.inputs.service === 'iam.googleapis.com')!;
      const waiting = resources.filter(
        (resource) => resource.type.startsWith('gcp:') && resource.type !== 'gcp:projects/service:Service',
      );
      expect(
        waiting
          .filter((resource) => !resource.dependencies.some((urn) => urn.endsWith(`::${iam.name}`)))
          .map((r) => r.name),
        stack,
      ).toEqual([]);
    }
  });

  it('creates the alert policies on log-based metrics only after the metrics have had time to propagate', () => {
    const { resources } = runs.production!;
    const wait = resources.find((resource) => resource.name === 'log-based-metrics-propagated')!;
    expect(wait.inputs.seconds).toBeGreaterThanOrEqual(600);
    const metrics = resources.filter((resource) => resource.type === 'gcp:logging/metric:Metric');
    expect(metrics.filter((metric) => !wait.dependencies.some((urn) => urn.endsWith(`::${metric.name}`)))).toEqual([]);
    const onLogMetrics = resources.filter(
      (resource) =>
        resource.type === 'gcp:monitoring/alertPolicy:AlertPolicy' &&
        JSON.stringify(resource.inputs.conditions).includes('logging.googleapis.com/user/'),
    );
    expect(onLogMetrics.length).toBeGreaterThan(10);
    expect(
      onLogMetrics
        .filter((policy) => !policy.dependencies.some((urn) => urn.endsWith(`::${wait.name}`)))
        .map((p) => p.name),
    ).toEqual([]);
  });

  it("declares the coordinator API key's first version, which the coordinator waits for", () => {
    for (const stack of ['production', 'staging'] as const) {
      const { resources } = runs[stack]!;
      const version = resources.find((resource) => resource.type === 'gcp:secretmanager/secretVersion:SecretVersion')!;
      expect(version.ignoreChanges, stack).toEqual(['secretData']);
      const coordinator = resources.find(
        (resource) =>
          resource.type === 'gcp:cloudrunv2/service:Service' && resource.name.startsWith('prediction-coordinator'),
      )!;
      expect(
        coordinator.dependencies.some((urn) => urn.endsWith(`::${version.name}`)),
        stack,
      ).toBe(true);
    }
  });

  it('pauses every schedule while what it calls runs the bootstrap image', () => {
    for (const stack of ['production', 'staging'] as const) {
      const schedules = runs[stack]!.resources.filter((resource) => resource.type === 'gcp:cloudscheduler/job:Job');
      expect(schedules.length, stack).toBeGreaterThan(1);
      expect(
        schedules.filter((schedule) => schedule.inputs.paused !== true).map((schedule) => schedule.name),
        stack,
      ).toEqual([]);
    }
  });
});

describe('dead letters and old images', () => {
  it('dead-letters requests and completions to separate topics, and pages on either backlog', () => {
    const { resources } = runs.production!;
    const pushes = resources.filter(
      (resource) => resource.type === 'gcp:pubsub/subscription:Subscription' && resource.inputs.pushConfig,
    );
    expect(
      Object.fromEntries(
        pushes.map((sub) => [sub.name, String(sub.inputs.deadLetterPolicy.deadLetterTopic).split('/').pop()]),
      ),
    ).toEqual({
      'prediction-request-prod': 'prediction-request-dlq',
      'prediction-ready-prod-sub': 'prediction-ready-dlq',
    });
    const policy = resources.find((resource) => resource.name === 'props_pubsub_dead_lettered')!;
    const filter = policy.inputs.conditions[0].conditionThreshold.filter as string;
    expect(filter).toContain('pubsub.googleapis.com/subscription/num_undelivered_messages');
    expect(filter).toContain('prediction-request-dlq-sub|prediction-ready-dlq-sub');
    expect(policy.inputs.notificationChannels).toEqual(['projects/nba-props-platform/notificationChannels/test']);
  });

  it('deletes old images from Artifact Registry while keeping the recent ones', () => {
    const repository = runs.platform!.resources.find(
      (resource) => resource.type === 'gcp:artifactregistry/repository:Repository',
    )!;
    expect(repository.inputs.cleanupPolicyDryRun).toBe(false);
    const actions = repository.inputs.cleanupPolicies.map((policy: { action: string }) => policy.action).sort();
    expect(actions).toEqual(['DELETE', 'KEEP']);
  });
});

describe('stacks that apply without each other', () => {
  const project = 'nba-props-platform';
  it('names only what the stack itself or the platform stack creates: staging applies before production exists, and the reverse', () => {
    for (const stack of ['staging', 'production'] as const)
      expect(foreignReferences(runs[stack]!.resources, runs.platform!.resources, project), stack).toEqual([]);
    expect(foreignReferences(runs.platform!.resources, [], project)).toEqual([]);
  });

  it('names the reference when staging grants an identity only production creates, or the platform is missing', () => {
    const planted = [
      ...runs.staging!.resources,
      {
        type: 'gcp:bigquery/datasetIamMember:DatasetIamMember',
        name: 'staging_nba_predictions-coordinator-of-production',
        inputs: {
          datasetId: 'staging_nba_predictions',
          role: 'roles/bigquery.dataViewer',
          member: `serviceAccount:props-coordinator@${project}.iam.gserviceaccount.com`,
        },
      },
    ];
    expect(foreignReferences(planted, runs.platform!.resources, project)).toEqual([
      'staging_nba_predictions-coordinator-of-production names service account props-coordinator, which neither this stack nor the platform stack creates',
    ]);
    expect(foreignReferences(runs.staging!.resources, [], project).join('\n')).toMatch(
      /names service account props-deployer, which neither this stack nor the platform stack creates/,
    );
  });
});

describe('adopting the original project', () => {
  it('imports the original topics, datasets, Firestore database and scheduler jobs, and creates the rest', async () => {
    const run = await runThroughPulumiHost('production', { config: { 'nba-props:adoptOriginal': 'true' } });
    expect(run.status, run.stderr).toBe(0);
    const imported = run.resources.filter((resource) => resource.importId);
    expect(imported.map((resource) => resource.importId).sort()).toEqual(
      [
        ...originalResources({ project: 'nba-props-platform', region: 'us-west2' } as EnvironmentSettings).values(),
      ].sort(),
    );
    expect(runs.production!.resources.filter((resource) => resource.importId)).toEqual([]);
    expect(runs.staging!.resources.filter((resource) => resource.importId)).toEqual([]);
    expect(runs.platform!.resources.filter((resource) => resource.importId)).toEqual([]);
  }, 120_000);
});

describe('the runtime options', () => {
  it("fail to load the program with Pulumi's own TypeScript compilation (typescript: true, no nodeargs)", async () => {
    const project = readProjectFile();
    const run = await runThroughPulumiHost('staging', {
      project: { ...project, runtime: { name: 'nodejs', options: { typescript: true } } },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/TS5011|Cannot find module '@props\//);
    expect(run.resources.filter((resource) => resource.type !== 'pulumi:pulumi:Stack')).toEqual([]);
  }, 120_000);
});

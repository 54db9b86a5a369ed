import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from './names';
import { jobTasks } from './services';
import { readProjectFile, runThroughPulumiHost, type HostedResource, type HostedRun } from './test-support/pulumi-host';

/**
 * After a deploy, the services' image and traffic and the jobs' image are the deploy's. A later
 * `pulumi up` with a template change must keep them. Pulumi sends an ignored property's value from
 * the stack's state ("Uses the serialized value from the stack state for any later previews or
 * updates ... Does not automatically read the live value for the property unless you run a
 * refresh", https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/); the state holds the
 * live (deployed) values only when the update refreshes first (Pulumi.yaml `options.refresh`,
 * https://www.pulumi.com/docs/iac/concepts/projects/project-file/). The mock engine applies the
 * program's own ignoreChanges against the state the update would start from.
 */
const SERVICE = 'gcp:cloudrunv2/service:Service';
const JOB = 'gcp:cloudrunv2/job:Job';
const SCHEDULE = 'gcp:cloudscheduler/job:Job';
const BOOTSTRAP = 'us-docker.pkg.dev/cloudrun/container/hello';
const DEPLOYED = (app: string) => `us-west2-docker.pkg.dev/nba-props-platform/props/${app}:0123456789abcdef`;
const names = environmentNames({ environment: 'production' });

/** A service as the deploy script leaves it: its commit's image, all traffic on the commit's tagged revision. */
const deployedTraffic = (service: string) => [
  {
    type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
    revision: `${service}-00042-xyz`,
    tag: 'c-0123456789ab',
    percent: 100,
  },
];
function stateAfterDeploy(image: (app: string) => string): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const [service, app] of [
    [names.coordinator, 'coordinator'],
    [names.worker, 'worker'],
  ] as const) {
    state[`${SERVICE} ${service}`] = {
      // The template as an earlier version of the program declared it (a smaller memory limit).
      template: { containers: [{ image: image(app), resources: { limits: { cpu: '1', memory: '512Mi' } } }] },
      traffics: deployedTraffic(service),
    };
  }
  for (const job of Object.keys(jobTasks(names)))
    state[`${JOB} ${job}`] = { template: { template: { containers: [{ image: image('cli') }] } } };
  return state;
}

const find = (run: HostedRun, type: string, name: string): HostedResource =>
  run.resources.find((resource) => resource.type === type && resource.name === name)!;

let update: HostedRun;
beforeAll(async () => {
  // With a refresh the update starts from the live resources (the deploy's); without one, from what Pulumi last applied.
  const refreshed = readProjectFile().options?.refresh === 'always';
  update = await runThroughPulumiHost('production', {
    priorState: stateAfterDeploy(refreshed ? DEPLOYED : () => BOOTSTRAP),
  });
}, 180_000);

describe('a pulumi up after a deploy, with a template change', () => {
  it('keeps the deployed image and traffic of both services and applies the template change', () => {
    expect(update.status, update.stderr).toBe(0);
    for (const [service, app] of [
      [names.coordinator, 'coordinator'],
      [names.worker, 'worker'],
    ] as const) {
      const declared = find(update, SERVICE, service);
      expect(declared.inputs.template.containers[0].image, service).toBe(DEPLOYED(app));
      expect(declared.inputs.traffics, service).toEqual(deployedTraffic(service));
      expect(declared.inputs.template.containers[0].resources.limits.memory, service).not.toBe('512Mi');
    }
  });

  it('keeps the jobs on the deployed image, and their schedules running', () => {
    for (const job of Object.keys(jobTasks(names)))
      expect(find(update, JOB, job).inputs.template.template.containers[0].image, job).toBe(DEPLOYED('cli'));
    const schedules = update.resources.filter((resource) => resource.type === SCHEDULE);
    expect(schedules.length).toBeGreaterThan(5);
    expect(schedules.filter((schedule) => schedule.inputs.paused).map((schedule) => schedule.name)).toEqual([]);
  });
});

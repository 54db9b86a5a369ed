import { beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile, runThroughPulumiHost, type HostedRun } from './test-support/pulumi-host';

/**
 * `pulumi up` loads this program through Pulumi's Node.js language host, not through vitest: the
 * host runs `node <nodeargs> @pulumi/pulumi/cmd/run ... src/index.ts` with the project's runtime
 * options. These tests run that same entry as a child process, with Pulumi's mock monitor in place
 * of the engine (test-support/mock-engine.ts), for both stacks and with their own stack files.
 */
const runs: Record<string, HostedRun> = {};
beforeAll(async () => {
  const [production, staging] = await Promise.all([
    runThroughPulumiHost('production'),
    runThroughPulumiHost('staging'),
  ]);
  runs.production = production;
  runs.staging = staging;
}, 180_000);

describe.each(['production', 'staging'] as const)('the %s stack, loaded the way the Pulumi CLI loads it', (stack) => {
  it('runs to the end and registers the whole environment', () => {
    const run = runs[stack]!;
    expect(run.stderr).not.toMatch(/error|unhandled exception/i);
    expect(run.status).toBe(0);
    const count = (type: string) => run.resources.filter((resource) => resource.type === type).length;
    expect(count('pulumi:pulumi:Stack')).toBe(1);
    expect(count('gcp:cloudrunv2/service:Service')).toBe(2);
    expect(count('gcp:cloudrunv2/job:Job')).toBe(4);
    expect(run.resources.length).toBeGreaterThan(stack === 'production' ? 120 : 70);
    console.info(`${stack}: ${run.resources.length} resources registered through @pulumi/pulumi/cmd/run`);
  });
});

describe('a fresh project', () => {
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

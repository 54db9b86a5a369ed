import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// deploy.yml's first job decides, before anything is checked out, whether a completed ci run may be
// deployed. Its step is run here as GitHub runs it (bash, the env the workflow maps from the
// workflow_run payload), for the runs a fork or a pull request can cause and for a real push.
const root = resolve(import.meta.dirname, '../..');
interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
const workflow = parse(readFileSync(join(root, '.github/workflows/deploy.yml'), 'utf8')) as {
  jobs: Record<string, { needs?: string | string[]; steps: Step[] }>;
};
const guard = workflow.jobs.trigger!.steps;

const PUSH = {
  EVENT: 'push',
  HEAD_REPOSITORY: 'props-org/nba-props',
  HEAD_BRANCH: 'main',
  CONCLUSION: 'success',
  REPOSITORY: 'props-org/nba-props',
  MAIN_SHA: 'a'.repeat(40),
  HEAD_SHA: 'a'.repeat(40),
};

/** The guard's step with the payload's values in the variables its env names. */
function trigger(values: Partial<typeof PUSH>) {
  const step = guard.find((candidate) => candidate.run)!;
  const result = spawnSync('bash', ['-eo', 'pipefail', '-c', step.run!], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...PUSH, ...values },
  });
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
}

describe("deploy.yml's trigger job", () => {
  it('checks nothing out and takes no token: its only step is the check', () => {
    expect(guard.map((step) => step.uses ?? 'run')).toEqual(['run']);
    expect(Object.keys(guard[0]!.env ?? {}).sort()).toEqual(
      ['CONCLUSION', 'EVENT', 'HEAD_BRANCH', 'HEAD_REPOSITORY', 'MAIN_SHA', 'REPOSITORY'].sort(),
    );
  });

  it('lets a green ci run of a push to this repository main through', () => {
    const result = trigger({});
    expect(result.status, result.stderr).toBe(0);
    expect(result.lines).toEqual([`deploying ${PUSH.HEAD_SHA}, pushed to props-org/nba-props main, ci green`]);
  });

  it.each([
    [
      "a fork's pull request from a branch named main",
      { EVENT: 'pull_request', HEAD_REPOSITORY: 'someone/nba-props' },
      'ci ran for a pull_request event, not a push; only pushes to main deploy',
    ],
    [
      'a pull request from a branch of this repository named main',
      { EVENT: 'pull_request' },
      'ci ran for a pull_request event, not a push; only pushes to main deploy',
    ],
    [
      "a fork's commit however the event reads",
      { HEAD_REPOSITORY: 'someone/nba-props' },
      'the commit comes from someone/nba-props, not props-org/nba-props',
    ],
    ['another branch', { HEAD_BRANCH: 'release' }, 'ci ran on release, not main'],
    ['a red ci run', { CONCLUSION: 'failure' }, `ci for ${PUSH.HEAD_SHA} concluded failure`],
    [
      'a commit main has moved past',
      { MAIN_SHA: 'b'.repeat(40) },
      `main has moved on from ${PUSH.HEAD_SHA} to ${'b'.repeat(40)}; that commit's deploy rolls out both`,
    ],
  ])('stops %s with one line saying why', (_, values, why) => {
    const result = trigger(values);
    expect(result.status).toBe(1);
    expect(result.lines).toEqual([`::error::deploy refused: ${why}`]);
  });

  it('comes before every other job', () => {
    const needs = (job: string): string[] => {
      const direct = workflow.jobs[job]!.needs ?? [];
      return (Array.isArray(direct) ? direct : [direct]).flatMap((name) => [name, ...needs(name)]);
    };
    for (const job of Object.keys(workflow.jobs).filter((name) => name !== 'trigger'))
      expect(needs(job), job).toContain('trigger');
  });
});

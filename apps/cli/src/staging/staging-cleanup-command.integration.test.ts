import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRejectedMessageStore } from '@props/messaging';
import { ndjsonStagingFor } from '@props/prediction-store';
import { HOUR_MS, workerRejection } from '../test-support/aged-records';
import { propsAsync } from '../test-support/props-process';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Sets the files (and folders) written in the last hour under `path` to `hours` ago, as a batch that died then left them. */
function age(path: string, hours: number): void {
  const then = new Date(Date.now() - hours * HOUR_MS);
  for (const entry of [
    path,
    ...readdirSync(path, { recursive: true, encoding: 'utf8' }).map((name) => join(path, name)),
  ])
    if (statSync(entry).mtimeMs > Date.now() - HOUR_MS) utimesSync(entry, then, then);
}

/**
 * A data folder with the staging of batches last written 30 hours ago, 3 hours ago and now (and one
 * of prefix ci, 30 hours ago), and rejected messages recorded 20 days ago, 3 days ago and now.
 */
async function dataFolder(): Promise<string> {
  const data = mkdtempSync(join(tmpdir(), 'props-cleanup-'));
  folders.push(data);
  const staging = ndjsonStagingFor(join(data, 'staging'));
  const rejected = new FileRejectedMessageStore(join(data, 'rejected'));
  for (const [batch, hours] of [
    ['batch_dead', 30],
    ['batch_recent', 3],
  ] as const) {
    await staging('').write(batch, `${batch}.alpha`, []);
    age(join(data, 'staging', batch), hours);
  }
  await staging('ci').write('batch_ci_dead', 'batch_ci_dead.alpha', []);
  age(join(data, 'staging', 'prefixed'), 30);
  await staging('').write('batch_live', 'batch_live.alpha', []);
  for (const [batch, days] of [
    ['batch_old', 20],
    ['batch_recent', 3],
  ] as const) {
    await rejected.record(workerRejection(`${batch}.alpha`));
    age(join(data, 'rejected'), days * 24);
  }
  await rejected.record(workerRejection('batch_live.alpha'));
  return data;
}

/** What the data folder holds, folder by folder. */
function contents(data: string) {
  return {
    staging: readdirSync(join(data, 'staging')).sort(),
    prefixed: readdirSync(join(data, 'staging', 'prefixed', 'ci')),
    rejected: readdirSync(join(data, 'rejected')).filter((name) => name.endsWith('.json')).length,
    counts: readdirSync(join(data, 'rejected', 'counts')).sort(),
  };
}

const cleanup = (data: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  propsAsync(
    { PROPS_BACKEND: 'local', PROPS_DATA_DIR: data, PROPS_DATASET_PREFIX: '', ...env },
    'staging',
    'cleanup',
    ...args,
  );

/** The ISO time printed after `before` on the line, as milliseconds. */
const cutoffOf = (line: string) => Date.parse(/before (\S+)$/.exec(line)![1]!);

describe('props staging cleanup, on the local runtime (the real CLI on a data folder)', () => {
  it('removes staging and rejected messages last written before the cutoffs, names each, and keeps the rest', async () => {
    const data = await dataFolder();
    expect(contents(data)).toEqual({
      staging: ['batch_dead', 'batch_live', 'batch_recent', 'prefixed'],
      prefixed: ['batch_ci_dead'],
      rejected: 3,
      counts: ['batch_live.json', 'batch_old.json', 'batch_recent.json'],
    });
    const started = Date.now();
    const run = await cleanup(data, {});
    // stderr may hold the bundles' rebuild after a source edit (tools/bin/props.cjs), never the command's own line.
    expect(run.stderr).not.toContain('props staging cleanup');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^staging cleanup \(ndjson files\): 1 removed, last written before \S+$/),
      `  removed ${join(data, 'staging', 'batch_dead')}`,
      expect.stringMatching(/^rejected messages cleanup \(files\): 1 removed, recorded before \S+$/),
    ]);
    // The defaults: 24 hours of staging, 14 days of rejected messages.
    expect(Math.abs(cutoffOf(lines[0]!) - (started - 24 * HOUR_MS))).toBeLessThan(5 * 60_000);
    expect(Math.abs(cutoffOf(lines[2]!) - (started - 14 * 24 * HOUR_MS))).toBeLessThan(5 * 60_000);
    expect(contents(data)).toEqual({
      staging: ['batch_live', 'batch_recent', 'prefixed'],
      prefixed: ['batch_ci_dead'],
      rejected: 2,
      counts: ['batch_live.json', 'batch_recent.json'],
    });

    // Shorter cutoffs take the recent ones too; the prefix's staging stays without its prefix.
    const shorter = await cleanup(data, {}, '--older-than-hours', '2', '--rejected-older-than-days', '2');
    expect(shorter.code).toBe(0);
    expect(shorter.stdout).toMatch(
      /^staging cleanup \(ndjson files\): 1 removed, .*\n {2}removed \S+batch_recent\nrejected messages cleanup \(files\): 1 removed, /,
    );
    expect(contents(data)).toEqual({
      staging: ['batch_live', 'prefixed'],
      prefixed: ['batch_ci_dead'],
      rejected: 1,
      counts: ['batch_live.json'],
    });

    // A prefix's staging goes with its prefix; the rejected messages are shared, so nothing more goes.
    const prefixed = await cleanup(data, {}, '--dataset-prefix', 'ci');
    expect(prefixed.code).toBe(0);
    expect(prefixed.stdout).toContain(`  removed ${join(data, 'staging', 'prefixed', 'ci', 'batch_ci_dead')}\n`);
    expect(prefixed.stdout).toContain('rejected messages cleanup (files): 0 removed');
    expect(contents(data)).toMatchObject({ staging: ['batch_live', 'prefixed'], prefixed: [], rejected: 1 });
  }, 240_000);

  it('refuses each bad option with exit 2, naming the option and what it got, and removes nothing', async () => {
    const data = await dataFolder();
    const before = contents(data);
    const badPrefix = 'expected letters, digits and underscores only (at most 64), got "ci-2"';
    const refusals: Array<[string[], string, NodeJS.ProcessEnv?]> = [
      [['--older-than-hours', '0.5'], '--older-than-hours: expected a number of hours, at least 1, got 0.5'],
      [['--older-than-hours', 'soon'], '--older-than-hours: expected a number of hours, at least 1, got soon'],
      [['--rejected-older-than-days', '0'], '--rejected-older-than-days: expected a number of days, at least 1, got 0'],
      [['--dataset-prefix', 'ci-2'], `--dataset-prefix: ${badPrefix}`],
      // The option's default comes from the environment: the message names the variable.
      [[], `PROPS_DATASET_PREFIX: ${badPrefix}`, { PROPS_DATASET_PREFIX: 'ci-2' }],
    ];
    for (const [args, message, env] of refusals) {
      const run = await cleanup(data, env ?? {}, ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `props staging cleanup: ${message}\nusage: props staging cleanup [--older-than-hours 24] [--rejected-older-than-days 14] [--dataset-prefix P]\n`,
      );
    }
    const unknown = await cleanup(data, {}, '--older-than', '3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^props staging cleanup: .*--older-than/);
    expect(contents(data)).toEqual(before);
  }, 240_000);
});

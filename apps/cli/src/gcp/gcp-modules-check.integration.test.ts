import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { propsAsync, repositoryRoot } from '../test-support/props-process';

// The CLI bundle's folder copied whole, as the image gets it. The copies sit under the repository's
// var/, so the native externals resolve from its node_modules as the image's own install provides them.
mkdirSync(join(repositoryRoot, 'var'), { recursive: true });
const folder = mkdtempSync(join(repositoryRoot, 'var', 'props-gcp-modules-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

beforeAll(async () => {
  // props rebuilds a stale bundle before it runs.
  expect((await propsAsync({}, '--version')).code).toBe(0);
}, 300_000);

function buildCheck(bundle: string) {
  const run = spawnSync(process.execPath, ['main.js', '--build-check'], {
    cwd: bundle,
    encoding: 'utf8',
    env: { ...process.env, PROPS_DATA_DIR: join(bundle, 'var') },
  });
  return { code: run.status, line: run.stdout.split('\n').find((line) => line.includes('gcp modules')) };
}

it('--build-check loads what the CLI imports only on gcp, and fails naming a chunk the bundle lacks', () => {
  const whole = join(folder, 'whole');
  cpSync(join(repositoryRoot, 'dist/apps/cli'), whole, { recursive: true });
  expect(buildCheck(whole)).toEqual({
    code: 0,
    line: 'ok       gcp modules: 7 modules the gcp commands import on demand load',
  });

  const lacking = join(folder, 'lacking');
  cpSync(whole, lacking, { recursive: true });
  const storage = readdirSync(lacking).find(
    (name) =>
      name.endsWith('.js') && readFileSync(join(lacking, name), 'utf8').includes('node_modules/@google-cloud/storage/'),
  );
  expect(storage).toBeDefined();
  rmSync(join(lacking, storage!));
  const { code, line } = buildCheck(lacking);
  expect(code).toBe(1);
  expect(line).toMatch(new RegExp(`^failed +gcp modules: .*${storage!.replace('.', '\\.')}`));
}, 120_000);

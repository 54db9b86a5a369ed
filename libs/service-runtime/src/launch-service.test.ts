import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function start(app: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'fatal', ...env },
    timeout: 60_000,
  });
}

describe('a service started with bad configuration', () => {
  it('stops with exit 1 and one line naming the variable', () => {
    const result = start('worker', { PORT: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('configuration: PORT is "abc": expected a TCP port number');
  });

  it('requires the project id on the gcp backend', () => {
    const result = start('coordinator', { PROPS_BACKEND: 'gcp' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('configuration: GCP_PROJECT_ID is missing: is required when PROPS_BACKEND=gcp');
  });
});

describe('--self-check', () => {
  it('prints one line per check and exits 0 from the sources', () => {
    const result = start('worker', { PORT: '0' }, ['--self-check']);
    expect(result.stdout).toMatch(/^ok +configuration: backend=local/m);
    expect(result.stdout).toMatch(/^ok +onnxruntime-node: /m);
    expect(result.stdout).toContain('self-check passed (2 checks)');
    expect(result.status).toBe(0);
  });
});

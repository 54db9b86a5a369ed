import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function start(app: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'fatal',
      PROPS_PUSH_AUTH: 'none',
      HOST: '127.0.0.1',
      ...env,
    },
    timeout: 60_000,
  });
}

describe('a service started with bad configuration', () => {
  const failure = (stderr: string) => JSON.parse(stderr.trim()) as { severity: string; event: string; message: string };

  it('stops with exit 1 and one structured line naming the variable', () => {
    const result = start('worker', { PORT: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure(result.stderr)).toEqual({
      severity: 'CRITICAL',
      event: 'startup_failed',
      message: 'configuration: PORT is "abc": expected a TCP port number',
    });
  });

  it('refuses the gcp backend without a project instead of silently using another', () => {
    const result = start('coordinator', { PROPS_BACKEND: 'gcp', PROPS_API_KEY: 'launch-test-key-0123' });
    expect(result.status).toBe(1);
    expect(failure(result.stderr).message).toBe(
      'configuration: GCP_PROJECT_ID is missing: required with PROPS_BACKEND=gcp',
    );
  });

  it('stops when a required model cannot load, naming the model and the path', () => {
    const result = start('worker', { PORT: '0', CATBOOST_V8_MODEL_PATH: '/nowhere/v8.onnx' });
    expect(result.status).toBe(1);
    expect(failure(result.stderr).message).toBe(
      'startup failed: model catboost_v8_33features_20260108_211817: cannot read /nowhere/v8.onnx (from CATBOOST_V8_MODEL_PATH): ENOENT',
    );
  });

  it('serves the fallback, visibly, when models are not required', () => {
    const result = start(
      'worker',
      { PORT: '0', CATBOOST_V8_MODEL_PATH: '/nowhere/v8.onnx', PROPS_REQUIRE_MODELS: 'false' },
      ['--build-check'],
    );
    expect(result.stdout).toMatch(
      /^degraded +\[local\] model catboost_v8: serving the weighted-average fallback: model catboost_v8_33features_20260108_211817: cannot read/m,
    );
    expect(result.status).toBe(0);
  });
});

describe('--build-check (the image build step)', () => {
  const bare = (app: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, '--build-check'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PROPS_DATA_DIR: mkdtempSync(join(tmpdir(), 'props-build-check-')),
        ...extra,
      },
      timeout: 60_000,
    });

  it('passes with no configuration at all: no API key, no audience, no project', () => {
    const result = bare('coordinator');
    expect(result.stdout, result.stderr).toMatch(
      /^ok +\[local\] assemble: \d+ routes and the local adapters constructed/m,
    );
    expect(result.stdout).toMatch(/^ok +\[gcp\] assemble: \d+ routes and the gcp adapters constructed/m);
    expect(result.stdout).toMatch(/^ok +\[local\] @duckdb\/node-api: duckdb v/m);
    expect(result.stdout).toMatch(/^ok +writable .*\/batches: uid \d+ can create and write it/m);
    expect(result.stdout).not.toContain('configuration');
    expect(result.status).toBe(0);
  });

  it('loads the models of both backends and checks their hashes in the worker', () => {
    const result = bare('worker');
    expect(result.stdout).toMatch(
      /^ok +\[gcp\] model catboost_v8: catboost_v8_33features_20260108_211817 from models\/onnx\//m,
    );
    expect(result.stdout).toMatch(/^ok +\[local\] onnxruntime-node: /m);
    expect(result.stdout).toMatch(/^build-check passed \(\d+ checks\)$/m);
    expect(result.status).toBe(0);
  });

  it('fails, naming the folder, when the service user cannot write where the service writes', () => {
    const readOnly = mkdtempSync(join(tmpdir(), 'props-read-only-'));
    chmodSync(readOnly, 0o500);
    const result = bare('worker', { PROPS_DATA_DIR: join(readOnly, 'var') });
    chmodSync(readOnly, 0o700);
    if (process.getuid?.() === 0) {
      // root writes through any mode bit; the images check proves this case with the image's user.
      expect(result.status).toBe(0);
      return;
    }
    expect(result.stdout).toMatch(/^failed +writable .*\/var\/staging: uid \d+ cannot write it \(EACCES\)/m);
    expect(result.status).toBe(1);
  });
});

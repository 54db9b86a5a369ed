import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function start(app: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'fatal', PROPS_PUSH_AUTH: 'none', ...env },
    timeout: 60_000,
  });
}

describe('a service started with bad configuration', () => {
  const failure = (stderr: string) => JSON.parse(stderr.trim()) as { severity: string; event: string; message: string };

  it('stops with exit 1 and one structured line naming the variable', () => {
    const result = start('worker', { PORT: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure(result.stderr)).toEqual({ severity: 'CRITICAL', event: 'startup_failed', message: 'configuration: PORT is "abc": expected a TCP port number' });
  });

  it('refuses the gcp backend without a project instead of silently using another', () => {
    const result = start('coordinator', { PROPS_BACKEND: 'gcp', PROPS_API_KEY: 'launch-test-key-0123' });
    expect(result.status).toBe(1);
    expect(failure(result.stderr).message).toBe('configuration: GCP_PROJECT_ID is missing: required with PROPS_BACKEND=gcp');
  });

  it('stops when a required model cannot load, naming the model and the path', () => {
    const result = start('worker', { PORT: '0', CATBOOST_V8_MODEL_PATH: '/nowhere/v8.onnx' });
    expect(result.status).toBe(1);
    expect(failure(result.stderr).message).toBe('startup failed: model catboost_v8_33features_20260108_211817: cannot read /nowhere/v8.onnx (from CATBOOST_V8_MODEL_PATH): ENOENT');
  });

  it('serves the fallback, visibly, when models are not required', () => {
    const result = start('worker', { PORT: '0', CATBOOST_V8_MODEL_PATH: '/nowhere/v8.onnx', PROPS_REQUIRE_MODELS: 'false' }, ['--self-check']);
    expect(result.stdout).toMatch(/^degraded +model catboost_v8: serving the weighted-average fallback: model catboost_v8_33features_20260108_211817: cannot read/m);
    expect(result.status).toBe(0);
  });
});

describe('--self-check', () => {
  it('prints one line per check and exits 0 from the sources', () => {
    const result = start('worker', { PORT: '0' }, ['--self-check']);
    expect(result.stdout).toMatch(/^ok +configuration: backend=local/m);
    expect(result.stdout).toMatch(/^ok +onnxruntime-node: /m);
    expect(result.stdout).toMatch(/^ok +model catboost_v8: catboost_v8_33features_20260108_211817 from models\/onnx\//m);
    expect(result.stdout).toMatch(/^ok +model xgboost_v1: /m);
    expect(result.stdout).toContain('self-check passed (4 checks)');
    expect(result.status).toBe(0);
  });
});

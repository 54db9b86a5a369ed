import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');

describe('props run (npm start)', () => {
  it('starts both bundles, sends the requests through the worker and reports every row with a model_version', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-run-'));
    const result = spawnSync(process.execPath, ['tools/bin/props.cjs', 'run', '--data-dir', dataDir], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
    expect(result.stdout).toMatch(/worker ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/coordinator ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toContain('rows staged              6');
    expect(result.stdout).toContain('rows without model_version 0');
    expect(result.stdout).toContain(`rows consolidated        6 into ${join(dataDir, 'warehouse.duckdb')}`);
    expect(result.stdout).toContain('duplicate keys           0');
    expect(result.stdout).toContain(`staging folder           ${join(dataDir, 'staging')}`);
    expect(result.status, result.stderr).toBe(0);
  }, 180_000);
});

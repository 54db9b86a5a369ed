import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');

describe('props run (npm start)', () => {
  it('seeds the warehouse, runs a whole batch through coordinator and worker bundles, and prints the summary', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-run-'));
    const result = spawnSync(process.execPath, ['tools/bin/props.cjs', 'run', '--data-dir', dataDir, '--workers', '2'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    });
    const out = result.stdout;
    expect(out).toContain(`no warehouse at ${join(dataDir, 'warehouse.duckdb')}: seeding the 2024-25 season`);
    expect(out).toMatch(/worker 1 ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/worker 2 ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/coordinator ready at http:\/\/127\.0\.0\.1:\d+/);
    const selected = Number(/players selected +(\d+)/.exec(out)?.[1]);
    expect(selected).toBeGreaterThan(50);
    expect(out).toContain(`players predicted        ${selected}`);
    expect(out).toMatch(/slate load +one query, \d+ ms/);
    expect(out).toMatch(/rows per system +catboost_v8 \d+, ensemble_v1 \d+, moving_average \d+, similarity_balanced_v1 \d+, xgboost_v1 \d+, zone_matchup_v1 \d+/);
    expect(out).toContain('rows without model_version 0');
    expect(out).toContain('duplicate keys           0');
    expect(out).toMatch(/coverage 100\.0%/);
    expect(out).toContain(`game date                2025-03-15`);
    expect(out).toContain(`warehouse                ${join(dataDir, 'warehouse.duckdb')}`);
    expect(result.status, result.stderr).toBe(0);
  }, 300_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { withWarehouse } from '@props/warehouse';
import { propsAsync } from '../test-support/props-process';

const root = resolve(import.meta.dirname, '../../../..');

describe('props run (npm start)', () => {
  it('seeds the warehouse, runs a whole batch through coordinator and worker bundles, and prints the summary', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'props-run-'));
    const result = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'run', '--data-dir', dataDir, '--workers', '2'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      },
    );
    const out = result.stdout;
    expect(out).toContain(`no warehouse at ${join(dataDir, 'warehouse.duckdb')}: seeding the 2024-25 season`);
    expect(out).toMatch(/worker 1 ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/worker 2 ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/coordinator ready at http:\/\/127\.0\.0\.1:\d+/);
    const selected = Number(/players selected +(\d+)/.exec(out)?.[1]);
    expect(selected).toBeGreaterThan(50);
    // The original's feature gate refuses 8 players of 2025-03-15 (opponent_def_rating 125.17 > 125).
    expect(out).toContain(`players predicted        ${selected - 8}`);
    expect(out).toContain('players skipped          invalid_features 8');
    expect(out).toMatch(/slate load +one query, \d+ ms/);
    expect(out).toMatch(
      /rows per system +catboost_v8 \d+, ensemble_v1 \d+, ensemble_v1_1 \d+, moving_average \d+, similarity_balanced_v1 \d+, xgboost_v1 \d+, zone_matchup_v1 \d+/,
    );
    expect(out).toContain('rows without model_version 0');
    expect(out).toContain('duplicate keys           0');
    expect(out).toMatch(/coverage 100\.0%/);
    expect(out).toContain(`game date                2025-03-15`);
    expect(out).toContain('grading of 2025-03-15 (real lines only; hit rate = wins / (wins + losses)):');
    expect(out).toMatch(/ {4}catboost_v8 +\d+ +\d+ +\d+ +\d+ +\d+ +\d+\.\d%/);
    expect(out).toContain(`report                   ${join(dataDir, 'reports', 'report-2025-03-15.html')}`);
    expect(
      readFileSync(join(dataDir, 'reports', 'report-2025-03-15.html'), 'utf8').match(/<figure class="chart"/g),
    ).toHaveLength(4);
    expect(out).toContain(`warehouse                ${join(dataDir, 'warehouse.duckdb')}`);
    expect(result.status, result.stderr).toBe(0);

    // props verify passes on the real output and fails once one row lacks a model_version.
    const warehouse = join(dataDir, 'warehouse.duckdb');
    const props = (...args: string[]) =>
      spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const passed = props('verify', '--date', '2025-03-15', '--warehouse', warehouse);
    expect(passed.stdout).toMatch(/model_version check, game_date 2025-03-15: \d+ rows, 0 without a model_version/);
    expect(passed.stdout).toContain('PASSED');
    expect(passed.status).toBe(0);
    const tamper = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => { const c = await (await DuckDBInstance.create(${JSON.stringify(warehouse)})).connect(); await c.run("INSERT INTO nba_predictions.player_prop_predictions SELECT * REPLACE ('' AS model_version, 'tampered' AS prediction_id, 99.0 AS current_points_line) FROM nba_predictions.player_prop_predictions LIMIT 1"); })`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(tamper.status, tamper.stderr).toBe(0);
    const failed = props('verify', '--date', '2025-03-15', '--warehouse', warehouse);
    expect(failed.stdout).toContain('FAILED: 1 row(s) without a model_version');
    expect(failed.stdout).toMatch(/\(none\) +1 /);
    expect(failed.stderr).toContain('"event":"model_version_missing"');
    expect(failed.status).toBe(1);
    // The daily verify job: a day without games passes quietly; a game day without predictions fails and pages.
    const allStar = props('verify', '--date', '2025-02-15', '--warehouse', warehouse);
    expect(allStar.stdout).toContain('no games were scheduled on 2025-02-15: nothing to verify\nPASSED');
    expect(allStar.stderr).toContain('"event":"verify_no_games"');
    expect(allStar.status).toBe(0);
    const missing = props('verify', '--date', '2025-03-16', '--warehouse', warehouse);
    expect(missing.stdout).toMatch(/FAILED: no predictions for 2025-03-16, which has \d+ game\(s\) scheduled\n/);
    expect(missing.stderr).toContain('"event":"predictions_missing"');
    expect(missing.status).toBe(1);
    expect(props('verify', '--date', '2025-13-01', '--warehouse', warehouse).stderr).toContain(
      '--date: expected YYYY-MM-DD, got 2025-13-01',
    );
    const nothing = props('grade', '--date', '2025-03-16', '--warehouse', warehouse);
    expect(nothing.stderr).toContain('props grade: no predictions of real prop lines for 2025-03-16');
    expect(nothing.status).toBe(1);

    // The same commands as the Cloud Run job runs them (PROPS_BACKEND=gcp), against a loopback
    // BigQuery endpoint answered from this warehouse: verify sees the same tampered row.
    await withWarehouse(warehouse, async (connection) => {
      const emulator = new BigQueryRestEmulator(connection);
      const endpoint = await emulator.start();
      try {
        const gcp = {
          ...process.env,
          PROPS_BACKEND: 'gcp',
          GCP_PROJECT_ID: 'props-test',
          PROPS_BIGQUERY_ENDPOINT: endpoint,
          METADATA_SERVER_DETECTION: 'none',
        };
        const verified = await propsAsync(gcp, 'verify', '--date', '2025-03-15');
        expect(verified.stdout).toContain('FAILED: 1 row(s) without a model_version');
        expect(verified.code).toBe(1);
        const quiet = await propsAsync(gcp, 'verify', '--date', '2025-02-15');
        expect([quiet.code, quiet.stdout.trim().split('\n').at(-1)]).toEqual([0, 'PASSED']);
        const missing = await propsAsync(gcp, 'verify', '--date', '2025-03-16');
        expect(missing.stdout).toMatch(/FAILED: no predictions for 2025-03-16, which has \d+ game\(s\) scheduled/);
        const out = join(dataDir, 'gcp-report.html');
        const reported = await propsAsync(gcp, 'report', '--date', '2025-03-15', '--out', out);
        expect(reported.stdout, reported.stderr).toContain(`report of 2025-03-15: ${out}`);
        expect(readFileSync(out, 'utf8').match(/<figure class="chart"/g)).toHaveLength(4);
        expect(
          emulator.requests.some((request) => request.path === '/upload/bigquery/v2/projects/props-test/jobs'),
        ).toBe(true);
      } finally {
        await emulator.stop();
      }
    });
  }, 300_000);

  it.each(['worker', 'coordinator'])(
    'exits 1 saying so when the %s is killed mid-batch, and leaves no child running',
    async (victim) => {
      const dataDir = mkdtempSync(join(tmpdir(), `props-run-kill-${victim}-`));
      const child = spawn(process.execPath, ['tools/bin/props.cjs', 'run', '--data-dir', dataDir], {
        cwd: root,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      });
      let stdout = '';
      let stderr = '';
      const pids: Record<string, number> = {};
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        for (const match of stdout.matchAll(/^(worker|coordinator) ready at \S+ \(pid (\d+)\)$/gm))
          pids[match[1]!] = Number(match[2]);
        // As soon as the batch is published, kill the victim as a crash or an OOM kill would.
        if (/batch \S+: \d+ players published/.test(stdout) && pids[victim] && !pids.killed) {
          pids.killed = 1;
          process.kill(pids[victim]!, 'SIGKILL');
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
      expect(pids.killed, stdout).toBe(1);
      expect(code, `${stdout}\n${stderr}`).toBe(1);
      expect(stderr).toMatch(
        new RegExp(`props run FAILED: the ${victim} was killed by SIGKILL while batch \\S+ was running`),
      );
      expect(stdout).not.toContain('summary of');
      const survivor = victim === 'worker' ? pids.coordinator! : pids.worker!;
      expect(() => process.kill(survivor, 0)).toThrow();
    },
    240_000,
  );
});

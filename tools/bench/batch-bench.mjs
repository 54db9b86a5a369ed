// A whole local batch on the busiest date of the seeded season: 1 worker, 2 workers, and 1
// worker with the one-query slate load switched off, each from a copy of the same warehouse.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DATE = '2024-11-04';

function runBatch(root, warehouse, workers, env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-bench-batch-'));
  try {
    copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
    const result = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'run', '--date', DATE, '--workers', String(workers), '--data-dir', dataDir],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: 600_000,
      },
    );
    if (result.status !== 0) throw new Error(`props run failed: ${result.stderr.slice(-500)}`);
    const number = (pattern) => Number(pattern.exec(result.stdout)?.[1]);
    return {
      players: number(/players predicted +(\d+)/),
      rows: number(/rows merged +(\d+)/),
      batchSeconds: number(/batch ([\d.]+) s/),
      loadMs: number(/slate load +[^,]+, (\d+) ms/),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchBatch(root) {
  const seedDir = mkdtempSync(join(tmpdir(), 'props-bench-seed-'));
  try {
    const seed = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'warehouse', 'seed', '--out', join(seedDir, 'warehouse.duckdb')],
      { cwd: root, encoding: 'utf8' },
    );
    if (seed.status !== 0) return [`seeding failed: ${seed.stderr.slice(-300)}`];
    const warehouse = join(seedDir, 'warehouse.duckdb');
    const one = runBatch(root, warehouse, 1);
    const two = runBatch(root, warehouse, 2);
    const perPlayer = runBatch(root, warehouse, 1, { PROPS_SLATE_LOAD: 'per_player' });
    const line = (label, run) =>
      `  ${label.padEnd(34)} ${String(run.players).padStart(4)} players  ${String(run.rows).padStart(5)} rows   batch ${run.batchSeconds.toFixed(1).padStart(5)} s   ${(run.rows / run.batchSeconds).toFixed(0).padStart(5)} predictions/s   slate load ${String(run.loadMs).padStart(5)} ms`;
    return [
      `a whole batch on ${DATE} (15 games), local runtime, bundles as child processes:`,
      line('1 worker, one-query load', one),
      line('2 workers, one-query load', two),
      line('1 worker, per-player load forced', perPlayer),
      `  ratio batch time 1 worker / 2 workers          ${(one.batchSeconds / two.batchSeconds).toFixed(2)} x`,
      `  ratio slate load per-player / one query         ${(perPlayer.loadMs / one.loadMs).toFixed(1)} x`,
    ];
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}

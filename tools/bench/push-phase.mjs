// The push phase of a local batch (batch.json's created_at → consolidating_since: the fan-out, the
// worker's predictions and staging, the completions) and the worker's CPU during it, for one or
// more builds of the bundles run interleaved round by round on copies of one seeded warehouse:
//   node tools/bench/push-phase.mjs 4                          # dist/apps
//   node tools/bench/push-phase.mjs 4 before=/path/apps after=dist/apps
// PROPS_BENCH_WAREHOUSE=<file> reuses a seeded warehouse instead of seeding one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './process-timing.mjs';

const DATE = '2024-11-04';
const root = join(import.meta.dirname, '../..');
const rounds = Number(process.argv[2] ?? 3);
const builds = (process.argv.length > 3 ? process.argv.slice(3) : ['dist/apps']).map((argument) => {
  const [name, folder] = argument.includes('=') ? argument.split('=') : [argument, argument];
  return { name: name ?? argument, folder: resolve(root, folder ?? argument) };
});

/** @param {string} warehouse @param {string} bundles */
function pushPhase(warehouse, bundles) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-bench-push-'));
  try {
    copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
    const cpuFile = join(dataDir, 'worker-cpu.txt');
    const run = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'run', '--date', DATE, '--data-dir', dataDir, '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          PROPS_BUNDLES_DIR: bundles,
          PROPS_BENCH_CPU_FILE: cpuFile,
          NODE_OPTIONS: `--import ${join(import.meta.dirname, 'worker-push-cpu.mjs')}`,
        },
      },
    );
    if (run.status !== 0) throw new Error(`props run failed: ${run.stderr.slice(-400)}`);
    const [batchId] = readdirSync(join(dataDir, 'batches'));
    const batch = JSON.parse(readFileSync(join(dataDir, 'batches', String(batchId), 'batch.json'), 'utf8'));
    return {
      seconds: (Date.parse(batch.consolidating_since) - Date.parse(batch.created_at)) / 1000,
      workerCpuMs: Number(readFileSync(cpuFile, 'utf8').split(' ')[0]),
      pushes: batch.players.length,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const seedDir = mkdtempSync(join(tmpdir(), 'props-bench-seed-'));
try {
  let warehouse = process.env.PROPS_BENCH_WAREHOUSE;
  if (!warehouse) {
    warehouse = join(seedDir, 'warehouse.duckdb');
    const seed = spawnSync(process.execPath, ['tools/bin/props.cjs', 'warehouse', 'seed', '--out', warehouse], {
      cwd: root,
      encoding: 'utf8',
    });
    if (seed.status !== 0) throw new Error(`seeding failed: ${seed.stderr.slice(-300)}`);
  }
  /** @type {Map<string, Array<ReturnType<typeof pushPhase>>>} */
  const results = new Map(builds.map(({ name }) => [name, []]));
  for (let round = 0; round < rounds; round += 1)
    for (const { name, folder } of builds) results.get(name)?.push(pushPhase(warehouse, folder));
  for (const [name, runs] of results) {
    const seconds = runs.map((run) => run.seconds);
    const cpu = runs.map((run) => run.workerCpuMs);
    console.log(
      `${name}: ${runs[0]?.pushes} pushes, ${rounds} rounds; push phase min ${Math.min(...seconds).toFixed(2)} s median ${median(seconds).toFixed(2)} s; worker CPU during the pushes min ${Math.min(...cpu)} ms median ${median(cpu)} ms`,
    );
  }
} finally {
  rmSync(seedDir, { recursive: true, force: true });
}

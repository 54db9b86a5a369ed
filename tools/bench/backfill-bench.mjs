// The 2024-25 regular season backfilled and graded in one process, beside its floor
// (tools/bench/backfill-floor.mjs: the range's features in one query, each model run once over
// them, the same rows through one appender), interleaved round by round on copies of one seeded
// warehouse; and beside the same range done as daily batches through the services: a sample of
// dates run with `props run` (coordinator and worker as child processes), scaled to the season.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './process-timing.mjs';

const FROM = '2024-10-22';
const TO = '2025-04-13';
/** A quiet, an ordinary and a full slate. */
const SAMPLE_DATES = ['2024-12-25', '2025-01-15', '2024-11-04'];

/**
 * CPU seconds (user + system) of this process's waited-for children so far: cutime and cstime of
 * /proc/self/stat (fields 16 and 17, in clock ticks of 1/100 s on Linux; proc(5)). A figure the
 * other processes of a shared machine disturb less than the wall clock.
 */
function childCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function props(root, args, env = {}) {
  const cpuBefore = childCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`props ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.slice(-500)}`);
  return {
    stdout: result.stdout,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpu: childCpuSeconds() - cpuBefore,
  };
}

function floorOf(root, warehouse) {
  const cpuBefore = childCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['tools/bench/backfill-floor.mjs', warehouse, FROM, TO], {
    cwd: root,
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (result.status !== 0) throw new Error(`backfill floor failed: ${result.stderr.slice(-500)}`);
  return {
    ...JSON.parse(result.stdout),
    wall: Number(process.hrtime.bigint() - started) / 1e9,
    cpu: childCpuSeconds() - cpuBefore,
  };
}

const stats = (values) => ({ min: Math.min(...values), median: median(values) });
const seconds = (value) => `${value.toFixed(1).padStart(6)} s`;

function withCopy(warehouse, work) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-bench-backfill-'));
  try {
    copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
    return work(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchBackfill(root, { rounds = 2, withDaily = true } = {}) {
  const seedDir = mkdtempSync(join(tmpdir(), 'props-bench-seed-'));
  try {
    const warehouse = join(seedDir, 'warehouse.duckdb');
    props(root, ['warehouse', 'seed', '--out', warehouse]);
    const measured = [];
    const floors = [];
    for (let round = 0; round < rounds; round += 1) {
      withCopy(warehouse, (dataDir) => {
        const copy = join(dataDir, 'warehouse.duckdb');
        const run = props(root, ['backfill', '--from', FROM, '--to', TO, '--warehouse', copy, '--json']);
        measured.push({ ...JSON.parse(run.stdout).totals, wall: run.seconds, cpu: run.cpu });
        floors.push(floorOf(root, copy));
      });
    }
    const backfill = measured.at(-1);
    const command = stats(measured.map((run) => run.seconds));
    const wall = stats(measured.map((run) => run.wall));
    const floorInside = stats(floors.map((run) => run.seconds));
    const floorWall = stats(floors.map((run) => run.wall));
    const cpu = stats(measured.map((run) => run.cpu));
    const floorCpu = stats(floors.map((run) => run.cpu));
    const lines = [
      `the ${FROM} .. ${TO} regular season on the local runtime, ${rounds} interleaved rounds:`,
      `  backfill, one process (predicted, consolidated and graded)   ${backfill.done} dates (${backfill.no_games} without games), ${backfill.players} players, ${backfill.rows} rows, ${backfill.graded} graded; ${backfill.failed} failed, ${backfill.skipped} skipped`,
      `    in the command                     min ${seconds(command.min)}  median ${seconds(command.median)}`,
      `    with process start and model load  min ${seconds(wall.min)}  median ${seconds(wall.median)}`,
      `    CPU (user + system), whole process min ${seconds(cpu.min)}  median ${seconds(cpu.median)}`,
      `  floor (${floors[0].features} feature rows in one query, 2 models once each, ${floors[0].rows} rows through one appender)`,
      `    in the process                     min ${seconds(floorInside.min)}  median ${seconds(floorInside.median)}`,
      `    with process start                 min ${seconds(floorWall.min)}  median ${seconds(floorWall.median)}`,
      `    CPU (user + system), whole process min ${seconds(floorCpu.min)}  median ${seconds(floorCpu.median)}`,
      `  RATIO backfill / floor (wall)        min ${(wall.min / floorWall.min).toFixed(1).padStart(6)} x  median ${(wall.median / floorWall.median).toFixed(1).padStart(6)} x   (target 3x)`,
      `  ratio of CPU (less disturbed by a busy machine)  min ${(cpu.min / floorCpu.min).toFixed(1).padStart(6)} x  median ${(cpu.median / floorCpu.median).toFixed(1).padStart(6)} x`,
    ];
    if (!withDaily) return lines;
    const daily = SAMPLE_DATES.map((date) =>
      withCopy(warehouse, (dataDir) => {
        const run = props(root, ['run', '--date', date, '--data-dir', dataDir]);
        return { players: Number(/players predicted +(\d+)/.exec(run.stdout)?.[1]), wall: run.seconds };
      }),
    );
    const samplePlayers = daily.reduce((sum, run) => sum + run.players, 0);
    const sampleSeconds = daily.reduce((sum, run) => sum + run.wall, 0);
    const dailySeason = (sampleSeconds / samplePlayers) * backfill.players;
    return [
      ...lines,
      `  daily batches through the services (props run: services started, batch, grading, report per date)`,
      `    sample ${SAMPLE_DATES.join(', ')}: ${samplePlayers} players in ${sampleSeconds.toFixed(1)} s; scaled to ${backfill.players} players: ${dailySeason.toFixed(0)} s`,
      `  ratio season as daily batches / backfill                        ${(dailySeason / wall.median).toFixed(1)} x`,
    ];
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const lines = await benchBackfill(join(import.meta.dirname, '../..'), {
    rounds: Number(process.argv[2] ?? 2),
    withDaily: process.argv[3] !== 'no-daily',
  });
  for (const line of lines) console.log(line);
}

// The 2024-25 regular season backfilled and graded in one process, beside the same range done as
// daily batches through the services: a sample of dates run with `props run` (coordinator and
// worker as child processes), scaled to the season by players.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FROM = '2024-10-22';
const TO = '2025-04-13';
/** A quiet, an ordinary and a full slate. */
const SAMPLE_DATES = ['2024-12-25', '2025-01-15', '2024-11-04'];

function props(root, args, env = {}) {
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
  return { stdout: result.stdout, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function withCopy(warehouse, work) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-bench-backfill-'));
  try {
    copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
    return work(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchBackfill(root) {
  const seedDir = mkdtempSync(join(tmpdir(), 'props-bench-seed-'));
  try {
    const warehouse = join(seedDir, 'warehouse.duckdb');
    props(root, ['warehouse', 'seed', '--out', warehouse]);
    const backfill = withCopy(warehouse, (dataDir) => {
      const run = props(root, [
        'backfill',
        '--from',
        FROM,
        '--to',
        TO,
        '--warehouse',
        join(dataDir, 'warehouse.duckdb'),
        '--json',
      ]);
      return { ...JSON.parse(run.stdout).totals, wall: run.seconds };
    });
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
      `the ${FROM} .. ${TO} regular season on the local runtime:`,
      `  backfill, one process (predicted, consolidated and graded)   ${backfill.done} dates (${backfill.no_games} without games), ${backfill.players} players, ${backfill.rows} rows, ${backfill.graded} graded`,
      `    ${backfill.seconds.toFixed(1)} s in the command (${backfill.wall.toFixed(1)} s with process start and model load), ${Math.round(backfill.rows_per_second)} rows/s; ${backfill.failed} failed, ${backfill.skipped} skipped`,
      `  daily batches through the services (props run: services started, batch, grading, report per date)`,
      `    sample ${SAMPLE_DATES.join(', ')}: ${samplePlayers} players in ${sampleSeconds.toFixed(1)} s; scaled to ${backfill.players} players: ${dailySeason.toFixed(0)} s`,
      `  ratio season as daily batches / backfill                        ${(dailySeason / backfill.wall).toFixed(1)} x`,
    ];
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}

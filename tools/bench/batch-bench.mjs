// A whole local batch on the busiest date of the seeded season (`props run`, coordinator and worker
// bundles as child processes, /start → consolidated), beside its floor, interleaved round by round:
// the same push bodies (the batch's own stored requests, in Pub/Sub's push envelope) POSTed at
// the fan-out's concurrency to a trivial fastify that parses and answers 204, then one columnar
// query reading back every row the batch merged. Both run on copies of the same seeded warehouse.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fastify from 'fastify';
import { median } from './process-timing.mjs';

const DATE = '2024-11-04';
/** In flight at once: the local push queue's concurrency per worker (DEFAULT_PUSH_CONCURRENCY, libs/messaging). */
export const PUSH_CONCURRENCY = 16;

function runBatch(root, warehouse, workers, env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-bench-batch-'));
  copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
  const result = spawnSync(
    process.execPath,
    ['tools/bin/props.cjs', 'run', '--date', DATE, '--workers', String(workers), '--data-dir', dataDir, '--json'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`props run failed: ${result.stderr.slice(-500)}`);
  }
  const summary = JSON.parse(result.stdout);
  return {
    dataDir,
    batchId: summary.batch_id,
    players: summary.players_predicted,
    rows: summary.consolidation?.rows_merged ?? 0,
    seconds: summary.seconds.batch,
    reportSeconds: summary.seconds.report,
    loadMs: summary.slate_load.duration_ms,
  };
}

/** Players per message the coordinator sends unless told otherwise (DEFAULT_PLAYERS_PER_MESSAGE, libs/prediction-batch). */
export const PLAYERS_PER_MESSAGE = 16;

/**
 * The floor: the batch's push bodies to a trivial listener, then one read of the rows it merged.
 * One body per player as the issue defines it, or grouped as the coordinator groups them.
 */
async function floor(run, playersPerMessage = 1) {
  const messages = JSON.parse(readFileSync(join(run.dataDir, 'batches', run.batchId, 'messages.json'), 'utf8'));
  const players = Object.keys(messages).sort();
  const groups = [];
  for (let start = 0; start < players.length; start += playersPerMessage)
    groups.push(players.slice(start, start + playersPerMessage));
  const bodies = groups.map((group, index) =>
    JSON.stringify({
      message: {
        data: Buffer.from(
          JSON.stringify(
            playersPerMessage === 1
              ? messages[/** @type {string} */ (group[0])]
              : { requests: group.map((player) => messages[player]) },
          ),
        ).toString('base64'),
        messageId: `${index}`,
        publishTime: new Date().toISOString(),
        attributes: {
          props_message_id: `${run.batchId}.${group[0]}${playersPerMessage === 1 ? '' : `.${group.length}`}`,
        },
      },
      subscription: 'bench',
      deliveryAttempt: 1,
    }),
  );
  const app = fastify({ bodyLimit: 4 * 1024 * 1024 });
  let received = 0;
  app.post('/predict', async (request, reply) => {
    received += request.body ? 1 : 0;
    return reply.code(204).send();
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const instance = await DuckDBInstance.create(join(run.dataDir, 'warehouse.duckdb'));
  const connection = await instance.connect();
  try {
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: PUSH_CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const response = await fetch(`${address}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await response.arrayBuffer();
        }
      }),
    );
    const reader = await connection.runAndReadAll(
      `SELECT * FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '${DATE}'`,
    );
    const rows = reader.getColumns()[0]?.length ?? 0;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (received !== bodies.length || rows !== run.rows)
      throw new Error(`batch floor: ${received}/${bodies.length} bodies, ${rows}/${run.rows} rows`);
    return seconds;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await app.close();
  }
}

/**
 * The batch's own work beside it (tools/bench/batch-work.ts, a fresh process): the start's two
 * queries, the seven systems over every request the batch sent in one call, and the MERGE of their
 * rows to its COMMIT, on a fresh copy of the seeded warehouse.
 */
function ownWork(root, warehouse, run) {
  const folder = mkdtempSync(join(tmpdir(), 'props-bench-work-'));
  try {
    copyFileSync(warehouse, join(folder, 'warehouse.duckdb'));
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        'tools/bench/batch-work.ts',
        join(folder, 'warehouse.duckdb'),
        join(run.dataDir, 'batches', run.batchId, 'messages.json'),
        DATE,
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, METADATA_SERVER_DETECTION: 'none' }, timeout: 600_000 },
    );
    if (result.status !== 0)
      throw new Error(
        `the batch's own work failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}): ${result.stderr.slice(-500)}`,
      );
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    let work;
    try {
      work = JSON.parse(last);
    } catch {
      throw new Error(`batch-work.ts printed no result line; its last line: ${last.slice(0, 200)}`);
    }
    if (work.rows !== run.rows) throw new Error(`the batch's own work merged ${work.rows} rows, the batch ${run.rows}`);
    return {
      seconds: (work.slateMs + work.systemsMs + work.mergeMs) / 1000,
      slateMs: work.slateMs,
      systemsMs: work.systemsMs,
      mergeMs: work.mergeMs,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const stats = (values) => ({ min: Math.min(...values), median: median(values) });

export async function benchBatch(root, { rounds = 3 } = {}) {
  const seedDir = mkdtempSync(join(tmpdir(), 'props-bench-seed-'));
  try {
    const seed = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'warehouse', 'seed', '--out', join(seedDir, 'warehouse.duckdb')],
      { cwd: root, encoding: 'utf8' },
    );
    if (seed.status !== 0) return [`seeding failed: ${seed.stderr.slice(-300)}`];
    const warehouse = join(seedDir, 'warehouse.duckdb');
    const measured = [];
    const reports = [];
    const floors = [];
    const groupedFloors = [];
    const singles = [];
    const works = [];
    /** @type {ReturnType<typeof runBatch>} */
    let last = /** @type {any} */ (undefined);
    for (let round = 0; round < rounds; round += 1) {
      const run = runBatch(root, warehouse, 1);
      try {
        measured.push(run.seconds);
        reports.push(run.reportSeconds);
        floors.push(await floor(run));
        groupedFloors.push(await floor(run, PLAYERS_PER_MESSAGE));
        works.push(ownWork(root, warehouse, run));
        last = run;
      } finally {
        rmSync(run.dataDir, { recursive: true, force: true });
      }
      // The original's one player per message, beside it in the same round.
      const single = runBatch(root, warehouse, 1, { PROPS_PLAYERS_PER_MESSAGE: '1' });
      singles.push(single.seconds);
      rmSync(single.dataDir, { recursive: true, force: true });
    }
    const two = runBatch(root, warehouse, 2);
    rmSync(two.dataDir, { recursive: true, force: true });
    const batch = stats(measured);
    const base = stats(floors);
    const grouped = stats(groupedFloors);
    const single = stats(singles);
    const work = stats(works.map((entry) => entry.seconds));
    const withWork = stats(
      floors.map((seconds, round) => seconds + /** @type {{ seconds: number }} */ (works[round]).seconds),
    );
    const part = (/** @type {'slateMs' | 'systemsMs' | 'mergeMs'} */ key) =>
      median(works.map((entry) => entry[key])).toFixed(0);
    return [
      `a whole batch on ${DATE} (${last.players} players, ${last.rows} rows), local runtime, /start → consolidated; ${rounds} interleaved rounds:`,
      `  measured (props run, 1 worker)         min ${batch.min.toFixed(2).padStart(6)} s   median ${batch.median.toFixed(2).padStart(6)} s`,
      `  floor (same ${String(last.players).padStart(3)} push bodies at concurrency ${PUSH_CONCURRENCY} to a trivial fastify + one columnar read of the rows)`,
      `                                         min ${base.min.toFixed(2).padStart(6)} s   median ${base.median.toFixed(2).padStart(6)} s`,
      `  RATIO batch / floor                    min ${(batch.min / base.min).toFixed(2).padStart(6)} x   median ${(batch.median / base.median).toFixed(2).padStart(6)} x   (target 2x)`,
      `  the batch's own work (tools/bench/batch-work.ts, one fresh process, no services: the start's two queries, the seven systems`,
      `  over every request in one call, the MERGE to its COMMIT)  min ${work.min.toFixed(2).padStart(6)} s   median ${work.median.toFixed(2).padStart(6)} s   (medians: slate ${part('slateMs')} ms, systems ${part('systemsMs')} ms, merge ${part('mergeMs')} ms)`,
      `  floor + own work, per round            min ${withWork.min.toFixed(2).padStart(6)} s   median ${withWork.median.toFixed(2).padStart(6)} s   = ${(withWork.min / base.min).toFixed(2)} x / ${(withWork.median / base.median).toFixed(2)} x the floor; batch / it ${(batch.min / withWork.min).toFixed(2)} x / ${(batch.median / withWork.median).toFixed(2)} x`,
      `  the floor with the bodies grouped as the batch sends them (${PLAYERS_PER_MESSAGE} players each): min ${grouped.min.toFixed(2)} s, median ${grouped.median.toFixed(2)} s (batch / it ${(batch.median / grouped.median).toFixed(2)} x median)`,
      `  one player per message (PROPS_PLAYERS_PER_MESSAGE=1, the original's message): min ${single.min.toFixed(2)} s, median ${single.median.toFixed(2)} s (${(single.median / base.median).toFixed(2)} x the floor, median)`,
      `  2 workers: ${two.seconds.toFixed(2)} s (ratio 1 worker / 2 workers ${(batch.median / two.seconds).toFixed(2)} x); slate load ${last.loadMs} ms`,
      `  after consolidated, not in the figure: outcome read and HTML report (props run's seconds.report) median ${median(reports).toFixed(2)} s`,
    ];
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  for (const line of await benchBatch(join(import.meta.dirname, '../..'), { rounds: Number(process.argv[2] ?? 3) }))
    console.log(line);
}

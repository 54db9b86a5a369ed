import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BatchStatusBodySchema,
  PRIMARY_SYSTEM,
  isCalendarDate,
  type BatchStatusBody,
  errorMessage,
  type CheckStalledRequest,
} from '@props/contracts';
import { ServiceChild, freePort } from '@props/service-runtime';
import { seedWarehouse } from '@props/season';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { ProgressBar } from '../progress-bar';
import { DEFAULT_SEED, samplesDirectory, seedingProgress } from '../warehouse/seed-command';
import { readBatchOutcome, type BatchOutcome } from './batch-outcome';
import { callService, callerHeaders, readAnswer, refusalText } from '../coordinator-client';
import { gradingTable } from '../grading/grading-table';
import { writeReport } from '../grading/report-command';

/** A past date of the seeded season with a full slate and real prop lines. */
export const DEFAULT_GAME_DATE = '2025-03-15';

const post = (url: string, apiKey: string, body: unknown) =>
  callService(url, { method: 'POST', headers: callerHeaders({ PROPS_API_KEY: apiKey }), body: JSON.stringify(body) });

type Say = (text: string) => void;

/** A coordinator and its workers as child processes on loopback, ready. */
async function startLocalStack(
  bundles: string,
  dataDir: string,
  workerCount: number,
  services: ServiceChild[],
  say: Say,
) {
  const apiKey = randomBytes(16).toString('hex');
  const common = { PROPS_BACKEND: 'local', PROPS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const workerPorts = await Promise.all(Array.from({ length: workerCount }, () => freePort()));
  const coordinatorPort = await freePort();
  const coordinatorUrl = `http://127.0.0.1:${coordinatorPort}`;
  for (const [index, port] of workerPorts.entries()) {
    services.push(
      await ServiceChild.start({
        name: workerCount === 1 ? 'worker' : `worker ${index + 1}`,
        args: [join(bundles, 'worker', 'main.js')],
        env: {
          ...common,
          PROPS_MODEL_DIR: join(bundles, 'worker', 'models'),
          PROPS_COMPLETION_URL: `${coordinatorUrl}/complete`,
          PROPS_COMPLETION_API_KEY: apiKey,
          PROPS_PUSH_AUTH: 'none',
        },
        port,
      }),
    );
  }
  services.push(
    await ServiceChild.start({
      name: 'coordinator',
      args: [join(bundles, 'coordinator', 'main.js')],
      env: {
        ...common,
        PROPS_API_KEY: apiKey,
        PROPS_WORKER_URLS: workerPorts.map((port) => `http://127.0.0.1:${port}/predict`).join(','),
        PROPS_STALL_SECONDS: '60',
      },
      port: coordinatorPort,
    }),
  );
  for (const service of services) {
    const ready = await service.waitUntilReady(60_000);
    say(
      `${service.name} ready at ${service.url} (pid ${service.pid})\n${ready.checks.map((check) => `  ${check.status.padEnd(8)} ${check.name}${check.problem ? `: ${check.problem}` : ''}`).join('\n')}\n`,
    );
  }
  return { apiKey, coordinatorUrl };
}

/**
 * How long each status request may wait for the batch to change: the coordinator answers at each
 * completion it records and when the batch is consolidated, so the run sees the end when it
 * happens (a poll every 50 ms saw it 25 ms late on average and took the coordinator's CPU from
 * the merge); at least once a second, to check the services and the stall clock.
 */
const STATUS_WAIT_MS = 1_000;

/**
 * Follows the batch with a progress bar until it is consolidated and resolves with its status; a
 * stall check every two minutes, four at most.
 */
async function awaitBatch(
  coordinatorUrl: string,
  apiKey: string,
  started: BatchStatusBody,
  services: ServiceChild[],
  say: Say,
): Promise<BatchStatusBody> {
  const { batch_id: batchId, players_expected: expected } = started;
  const progress = new ProgressBar('predicting'.padEnd(20), expected);
  const batchStarted = Date.now();
  let stalledChecks = 0;
  const deadService = () => {
    const dead = services.find((service) => service.ended() !== null);
    return dead
      ? new Error(
          `the ${dead.name} ${dead.ended()} while batch ${batchId} was running; its last lines: ${dead.recentOutput().slice(-3).join(' | ') || '(none)'}`,
        )
      : null;
  };
  for (;;) {
    const died = deadService();
    if (died) throw died;
    const url = `${coordinatorUrl}/status/${batchId}?wait_ms=${STATUS_WAIT_MS}`;
    let status: BatchStatusBody;
    try {
      status = readAnswer(BatchStatusBodySchema, await callService(url, {}), url);
    } catch (error) {
      // The coordinator may have died between the check and the request: say so rather than "fetch failed".
      await sleep(200);
      throw deadService() ?? error;
    }
    progress.update(expected - status.players_pending, status.status);
    if (status.status === 'consolidated') return status;
    if (status.status === 'superseded')
      throw new Error(`batch ${batchId} was superseded by a newer batch of ${status.game_date}`);
    if (Date.now() - batchStarted > 120_000 * (stalledChecks + 1)) {
      stalledChecks += 1;
      const stallCheck: CheckStalledRequest = { batch_id: batchId, force: true };
      const check = await post(`${coordinatorUrl}/check-stalled`, apiKey, stallCheck);
      say(`\nstall check: ${JSON.stringify((check.body as { actions?: unknown }).actions)}\n`);
      if (stalledChecks > 3)
        throw new Error(
          `batch ${batchId} did not finish: ${status.players_pending} players pending (${status.last_error ?? 'no error recorded'})`,
        );
    }
  }
}

const listed = (counts: Record<string, number>, none: string) =>
  Object.entries(counts)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ') || none;

interface RunSummary {
  status: BatchStatusBody;
  outcome: BatchOutcome;
  report: Awaited<ReturnType<typeof writeReport>>;
  warehousePath: string;
  /** batch: from sending /start to seeing the batch consolidated; report: reading its outcome and writing the report. */
  seconds: { seed: number; batch: number; report: number; total: number };
}

function summaryLines({ status, outcome, report, warehousePath, seconds }: RunSummary): string[] {
  const { load, consolidation } = status;
  const missing = load.missing
    .slice(0, 3)
    .map((entry) => `${entry.playerLookup}: ${entry.reason}`)
    .join('; ');
  return [
    '',
    `summary of ${status.batch_id}`,
    `  game date                ${status.game_date}`,
    `  players selected         ${status.players_expected} (left out by selection: ${listed(status.selection_dropped, 'none')})`,
    `  players predicted        ${status.players_predicted}`,
    `  players skipped          ${listed(status.players_skipped, '0')}`,
    `  features missing         ${load.missing.length}${load.missing.length ? ` (${missing})` : ''}`,
    `  slate load               ${load.path === 'one_query' ? 'one query' : `per player (fallback: ${load.fallback_reason})`}, ${load.duration_ms} ms`,
    `  rows per system          ${outcome.rowsPerSystem.map(([system, count]) => `${system} ${count}`).join(', ')}`,
    `  rows without model_version ${outcome.rowsWithoutModelVersion}`,
    `  fallback rows            ${outcome.fallbackRows}`,
    `  duplicate keys           ${outcome.duplicateKeys}`,
    `  rows merged              ${consolidation?.rows_merged ?? 0} (fencing token ${consolidation?.fencing_token ?? '-'}, coverage ${((consolidation?.coverage ?? 0) * 100).toFixed(1)}%)`,
    `  biggest edges (${PRIMARY_SYSTEM}):`,
    ...outcome.biggestEdges.map(
      (edge) =>
        `    ${edge.player.padEnd(24)} predicted ${edge.predicted.toFixed(1).padStart(5)} vs line ${edge.line.toFixed(1).padStart(5)}  ${edge.recommendation}`,
    ),
    `  grading of ${status.game_date} (real lines only; hit rate = wins / (wins + losses)):`,
    ...gradingTable(report.input.systems, '    '),
    `  report                   ${report.path}`,
    `  durations                seed ${seconds.seed.toFixed(1)} s, batch ${seconds.batch.toFixed(2)} s (/start → consolidated), report ${seconds.report.toFixed(2)} s, total ${seconds.total.toFixed(1)} s`,
    `  warehouse                ${warehousePath} (nba_predictions.player_prop_predictions)`,
  ];
}

function summaryDocument({ status, outcome, report, warehousePath, seconds }: RunSummary) {
  return {
    batch_id: status.batch_id,
    game_date: status.game_date,
    players_selected: status.players_expected,
    players_predicted: status.players_predicted,
    players_skipped: status.players_skipped,
    selection_dropped: status.selection_dropped,
    slate_load: status.load,
    rows_per_system: Object.fromEntries(outcome.rowsPerSystem),
    rows_without_model_version: outcome.rowsWithoutModelVersion,
    fallback_rows: outcome.fallbackRows,
    duplicate_keys: outcome.duplicateKeys,
    consolidation: status.consolidation,
    grading: report.input.systems,
    report: report.path,
    warehouse: warehousePath,
    seconds,
  };
}

export const runCommand: CliCommand = {
  words: ['run'],
  summary:
    'run a whole local batch: seed if needed, start coordinator and worker(s), predict a date, consolidate, summarize',
  usage: 'props run [--date YYYY-MM-DD] [--workers N] [--data-dir DIR] [--json]',
  options: [
    ['--date D', 'the game date of the batch (default 2025-03-15)'],
    ['--workers N', 'worker processes to start (default 1)'],
    ['--data-dir DIR', 'where the warehouse, staging, state and report go (default var)'],
    ['--json', "print the summary as one JSON document (progress and the services' lines go to stderr)"],
  ],
  environment: [
    ['PROPS_DATA_DIR', 'the default of --data-dir (var)'],
    [
      'PROPS_BUNDLES_DIR',
      'where the coordinator and worker bundles are (set by npx props / npm start, which build them: dist/apps)',
    ],
    ['PROPS_REPOSITORY_ROOT', "the repository, for the seed's data/nba-samples (set by npx props)"],
  ],
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        date: { type: 'string', default: DEFAULT_GAME_DATE },
        workers: { type: 'string', default: '1' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    // With --json, standard output carries only the summary document.
    const say = (text: string) => (values.json ? process.stderr : process.stdout).write(text);
    if (!isCalendarDate(values.date)) throw new UsageError(`--date: expected YYYY-MM-DD, got ${values.date}`);
    const workerCount = Number(values.workers);
    if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 8)
      throw new UsageError(`--workers: expected 1-8, got ${values.workers}`);
    const bundles = process.env.PROPS_BUNDLES_DIR;
    if (
      !bundles ||
      !existsSync(join(bundles, 'worker', 'main.js')) ||
      !existsSync(join(bundles, 'coordinator', 'main.js'))
    ) {
      process.stderr.write(
        `props run: the coordinator and worker bundles are missing${bundles ? ` from ${bundles}` : ''}; run it as npx props run (or npm start), which builds them\n`,
      );
      return 1;
    }
    const dataDir = resolve(values['data-dir'] ?? process.env.PROPS_DATA_DIR ?? 'var');
    mkdirSync(dataDir, { recursive: true });
    const warehousePath = join(dataDir, 'warehouse.duckdb');
    const runStarted = Date.now();
    if (!existsSync(warehousePath)) {
      say(`no warehouse at ${warehousePath}: seeding the 2024-25 season (seed ${DEFAULT_SEED})\n`);
      await seedWarehouse({
        samplesDir: samplesDirectory(undefined),
        out: warehousePath,
        seed: DEFAULT_SEED,
        onProgress: seedingProgress(),
      });
    }
    const seededMs = Date.now() - runStarted;

    const services: ServiceChild[] = [];
    const stopAll = () => Promise.all(services.map((service) => service.stop()));
    const interrupted = () => {
      process.stderr.write('\nprops run: interrupted, stopping the services\n');
      void stopAll().then(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      const { apiKey, coordinatorUrl } = await startLocalStack(bundles, dataDir, workerCount, services, say);
      const batchStarted = Date.now();
      const startUrl = `${coordinatorUrl}/start`;
      const start = await post(startUrl, apiKey, { game_date: values.date, force: true });
      if (start.status !== 202) {
        process.stderr.write(
          `props run: the coordinator refused the batch for ${values.date}: HTTP ${start.status} ${refusalText(start.body)}\n`,
        );
        return 1;
      }
      const started = readAnswer(BatchStatusBodySchema, start, startUrl);
      say(`batch ${started.batch_id}: ${started.players_expected} players published to ${workerCount} worker(s)\n`);
      const status = await awaitBatch(coordinatorUrl, apiKey, started, services, say);
      const consolidatedSeen = Date.now();
      const outcome = await readBatchOutcome(warehousePath, status);
      const report = await writeReport(
        { ...process.env, PROPS_BACKEND: 'local' },
        warehousePath,
        '',
        status.game_date,
        join(dataDir, 'reports', `report-${status.game_date}.html`),
      );
      const seconds = {
        seed: seededMs / 1000,
        batch: (consolidatedSeen - batchStarted) / 1000,
        report: (Date.now() - consolidatedSeen) / 1000,
        total: (Date.now() - runStarted) / 1000,
      };
      const summary: RunSummary = { status, outcome, report, warehousePath, seconds };
      if (values.json) process.stdout.write(`${JSON.stringify(summaryDocument(summary), null, 2)}\n`);
      else process.stdout.write(`${summaryLines(summary).join('\n')}\n`);
      return outcome.rowsWithoutModelVersion === 0 && outcome.duplicateKeys === 0 ? 0 : 1;
    } catch (error) {
      // A child that died, a batch that did not finish: one line saying what failed, and exit 1.
      process.stderr.write(`\nprops run FAILED: ${errorMessage(error)}\n`);
      return 1;
    } finally {
      process.removeListener('SIGINT', interrupted);
      process.removeListener('SIGTERM', interrupted);
      await stopAll();
    }
  },
};

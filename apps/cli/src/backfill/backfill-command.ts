import { dirname, join } from 'node:path';
import { isCalendarDate } from '@props/contracts';
import { PredictionSystems, loadServedModels, type FallbackEvent } from '@props/models';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { calendarDays } from '../grading/grading-dates';
import { parseGradingArgs } from '../grading/warehouse-option';
import { ProgressBar } from '../progress-bar';
import type { BackfillContext, DateOutcome } from './backfill-date';
import { backfillPorts } from './backfill-ports';
import { backfillRange } from './backfill-range';
import { rangeTotals, summaryLines, systemTotals, type RangeTotals } from './backfill-summary';

/** The served models travel in the CLI bundle's folder (`models/onnx`), the image's working directory. */
const bundledModels = () =>
  process.env.PROPS_BUNDLES_DIR ? join(process.env.PROPS_BUNDLES_DIR, 'cli', 'models') : 'models';

export const backfillCommand: CliCommand = {
  words: ['backfill'],
  summary:
    'predict, consolidate and grade every game date of a range in one process, as daily batches would (re-runs replace)',
  usage:
    'props backfill --from YYYY-MM-DD --to YYYY-MM-DD [--systems ID,...] [--no-grade] [--json] [--warehouse FILE] [--dataset-prefix P]',
  options: [
    ['--from D', 'the first game date'],
    ['--to D', 'the last game date (inclusive; at most 400 days after --from)'],
    [
      '--systems ID,...',
      "write only these systems' rows (all seven still run; the ensembles need the others); default: all",
    ],
    ['--no-grade', 'predict and consolidate only'],
    ['--json', 'print one JSON document: per date, per system and the totals'],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: [
    ...BACKEND_ENVIRONMENT,
    ['PROPS_MODEL_DIR', "the served models' folder (default: the bundle's models/)"],
    [
      'CATBOOST_V8_MODEL_PATH, XGBOOST_V1_MODEL_PATH',
      "another location (local or gs://) of the manifest's model file (its sha256 is checked)",
    ],
  ],
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(args, {
      from: { type: 'string' },
      to: { type: 'string' },
      systems: { type: 'string' },
      'no-grade': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    for (const option of ['from', 'to'] as const) {
      const value = values[option];
      if (typeof value !== 'string') throw new UsageError(`--${option} is required (YYYY-MM-DD)`);
      if (!isCalendarDate(value)) throw new UsageError(`--${option}: expected YYYY-MM-DD, got ${value}`);
    }
    const dates = calendarDays(String(values.from), String(values.to), '--from/--to');
    const json = values.json === true;
    const ports = await backfillPorts(process.env, warehouse);
    const fallbacks = new Map<string, FallbackEvent & { dates: number }>();
    const models = await loadServedModels({
      modelDir: process.env.PROPS_MODEL_DIR ?? bundledModels(),
      cacheDir: join(dirname(warehouse), 'model-cache'),
      env: process.env,
      requireModels: true,
      sessions: 'onnx-thread',
    });
    const systems = new PredictionSystems(models, (event) => {
      const seen = fallbacks.get(event.systemId);
      fallbacks.set(event.systemId, {
        ...event,
        players: (seen?.players ?? 0) + event.players,
        dates: (seen?.dates ?? 0) + 1,
      });
    });
    const keepSystems =
      typeof values.systems === 'string' ? new Set(values.systems.split(',').map((id) => id.trim())) : null;
    for (const id of keepSystems ?? [])
      if (!systems.systemIds.includes(id))
        throw new UsageError(`--systems: unknown system "${id}"; the systems are ${systems.systemIds.join(', ')}`);
    const context: BackfillContext = {
      ports,
      systems,
      keepSystems,
      datasetPrefix: prefix,
      grade: values['no-grade'] !== true,
    };

    const started = Date.now();
    const progress = new ProgressBar('backfill', dates.length);
    const outcomes = await backfillRange(context, dates, (outcome, done) =>
      progress.update(done, `${outcome.game_date} ${outcome.status}`),
    );
    const totals = rangeTotals(outcomes, (Date.now() - started) / 1000);
    printReport({ from: String(values.from), to: String(values.to), prefix, json }, outcomes, totals, fallbacks);
    return totals.failed + totals.skipped === 0 ? 0 : 1;
  },
};

/** The per-date and per-system report (or the JSON document), and a line per system that fell back. */
function printReport(
  run: { from: string; to: string; prefix: string; json: boolean },
  outcomes: DateOutcome[],
  totals: RangeTotals,
  fallbacks: ReadonlyMap<string, FallbackEvent & { dates: number }>,
): void {
  const perSystem = systemTotals(outcomes);
  const fellBack = [...fallbacks.values()].map((event) => ({
    system_id: event.systemId,
    players: event.players,
    dates: event.dates,
    reason: event.reason,
  }));
  if (run.json)
    process.stdout.write(
      `${JSON.stringify({ from: run.from, to: run.to, dataset_prefix: run.prefix, totals, systems: perSystem, fallbacks: fellBack, dates: outcomes }, null, 2)}\n`,
    );
  else process.stdout.write(`${summaryLines(outcomes, perSystem, totals).join('\n')}\n`);
  for (const event of fellBack)
    process.stderr.write(
      `props backfill: ${event.system_id} served fallback predictions for ${event.players} players on ${event.dates} dates: ${event.reason}\n`,
    );
}

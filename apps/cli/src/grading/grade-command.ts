import { NothingToGradeError, gradeDate } from '@props/grading';
import { LogEvent, createLogger } from '@props/observability';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { GRADING_LOCK_OPTIONS, gradingLock, reachGradingServices, withWarehouseReads } from './grading-backend';
import { gradingDates, parseGradingTrigger } from './grading-dates';
import { confidenceTable, gradingTable } from './grading-table';
import { parseGradingArgs } from './warehouse-option';
import { DEFAULT_ACCURACY_MINIMUM, watchAccuracy } from './accuracy-watch';

type Logger = ReturnType<typeof createLogger>;
type Trigger = ReturnType<typeof parseGradingTrigger>;

/** One grading run: where it reads and writes, how it reports. */
interface GradeRun {
  warehouse: string;
  prefix: string;
  aggregate: boolean;
  trigger: Trigger | null;
  json: boolean;
  logger: Logger;
  lock: Awaited<ReturnType<typeof gradingLock>>;
}

type DateOutcome = { kind: 'graded' | 'no_games' | 'nothing'; entry: Record<string, unknown> };

/** Grades one date under its grading lock; a date without games or without predictions is an outcome, not an error. */
async function gradeOneDate(run: GradeRun, date: string, progress: string, single: boolean): Promise<DateOutcome> {
  const { warehouse, prefix, aggregate, trigger, logger, json, lock } = run;
  try {
    const result = await lock.withLock(`grading_${date}`, GRADING_LOCK_OPTIONS, () =>
      withWarehouseReads(process.env, warehouse, prefix, ({ grading }) => gradeDate(grading, date, { aggregate })),
    );
    logger.info(
      {
        event: LogEvent.gradingCompleted,
        game_date: result.gameDate,
        rows: result.rows.length,
        replaced: result.replaced,
        without_box_score: result.withoutBoxScore,
        aggregated: aggregate,
        trigger_source: trigger?.triggerSource,
        correlation_id: trigger?.correlationId,
      },
      `graded ${result.rows.length} predictions`,
    );
    if (!json) {
      const skipped =
        result.withoutBoxScore > 0 ? `; ${result.withoutBoxScore} without a box score line left ungraded` : '';
      process.stdout.write(
        `${progress}graded ${result.rows.length} predictions of ${result.gameDate}${result.replaced ? ` (replaced ${result.replaced} earlier rows)` : ''} into nba_predictions.prediction_accuracy${aggregate ? ' and system_daily_performance' : ''}${skipped}\n`,
      );
      if (single)
        process.stdout.write(
          `${gradingTable(result.systems).join('\n')}\nhit rate by confidence decile (picks):\n${confidenceTable(result.systems).join('\n')}\n`,
        );
    }
    return {
      kind: 'graded',
      entry: {
        game_date: result.gameDate,
        graded: result.rows.length,
        replaced: result.replaced,
        without_box_score: result.withoutBoxScore,
        aggregated: aggregate,
        systems: result.systems,
      },
    };
  } catch (error) {
    if (!(error instanceof NothingToGradeError)) throw error;
    // A day without games (All-Star break, off-season) is not a failure: it says so, and the no-grading alert stays quiet.
    const games = await withWarehouseReads(process.env, warehouse, prefix, ({ grading }) =>
      grading.scheduledGames(date),
    );
    if (games === 0) {
      logger.info(
        { event: LogEvent.gradingNoGames, game_date: date, trigger_source: trigger?.triggerSource },
        'no games scheduled: nothing to grade',
      );
      if (!json) process.stdout.write(`no games were scheduled on ${date}: nothing to grade\n`);
      return { kind: 'no_games', entry: { game_date: date, graded: 0, no_games: true } };
    }
    logger.warn({ event: LogEvent.gradingSkipped, game_date: date, reason: error.message }, 'nothing graded');
    if (!json) process.stderr.write(`props grade: ${error.message}\n`);
    return { kind: 'nothing', entry: { game_date: date, graded: 0, skipped: error.message } };
  }
}

type AccuracyWatch = Awaited<ReturnType<typeof watchAccuracy>>;

function alertOnLowAccuracy(logger: Logger, watch: AccuracyWatch): void {
  if (!watch.low) return;
  logger.error(
    {
      event: LogEvent.gradingAccuracyLow,
      system_id: watch.systemId,
      from: watch.from,
      to: watch.to,
      hit_rate: watch.hitRate,
      wins: watch.wins,
      losses: watch.losses,
      minimum: watch.minimum,
    },
    `${watch.systemId} hit ${((watch.hitRate ?? 0) * 100).toFixed(1)}% from ${watch.from} to ${watch.to}, under ${(watch.minimum * 100).toFixed(1)}%`,
  );
}

function accuracyMinimum(): number {
  const minimum = Number(process.env.PROPS_ACCURACY_ALERT_MIN ?? DEFAULT_ACCURACY_MINIMUM);
  if (!(minimum > 0 && minimum < 1))
    throw new UsageError(
      `PROPS_ACCURACY_ALERT_MIN: expected a share between 0 and 1, got ${process.env.PROPS_ACCURACY_ALERT_MIN}`,
    );
  return minimum;
}

export const gradeCommand: CliCommand = {
  words: ['grade'],
  summary:
    "grade dates' consolidated predictions against the box scores (replaces those dates' grading and daily per-system aggregation)",
  usage:
    'props grade (--date yesterday|today|YYYY-MM-DD|FROM..TO | --trigger JSON) [--no-aggregation] [--json] [--warehouse FILE] [--dataset-prefix P]   (PROPS_BACKEND=gcp: BigQuery; the trigger also from PROPS_GRADING_TRIGGER)',
  options: [
    ['--date D', 'yesterday or today (America/New_York), YYYY-MM-DD, or a range FROM..TO'],
    [
      '--trigger JSON',
      'the grading trigger body instead of --date: {"target_date", "trigger_source", "run_aggregation"}',
    ],
    ['--no-aggregation', 'leave system_daily_performance as it is'],
    ['--json', 'print one JSON document: per date, what was graded (or why not) and the per-system summary'],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: [
    ...BACKEND_ENVIRONMENT,
    ['PROPS_GRADING_TRIGGER', 'the grading trigger body, as --trigger (for a Cloud Run job execution)'],
    [
      'PROPS_ACCURACY_ALERT_MIN',
      "catboost_v8's 7-day hit rate under which grading logs grading_accuracy_low (default 0.524, break-even at -110)",
    ],
  ],
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(
      args,
      {
        date: { type: 'string' },
        trigger: { type: 'string' },
        'no-aggregation': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      { relativeDates: true },
    );
    const json = values.json === true;
    const triggerBody = typeof values.trigger === 'string' ? values.trigger : process.env.PROPS_GRADING_TRIGGER;
    if (typeof values.date === 'string' && triggerBody !== undefined)
      throw new UsageError('give --date or a trigger body, not both');
    const trigger = triggerBody === undefined ? null : parseGradingTrigger(triggerBody);
    const dateArgument = trigger?.date ?? values.date;
    if (typeof dateArgument !== 'string')
      throw new UsageError('--date is required (yesterday, today, YYYY-MM-DD or FROM..TO), or a grading trigger body');
    const dates = gradingDates(dateArgument);
    const aggregate = values['no-aggregation'] !== true && (trigger?.aggregate ?? true);
    const minimum = accuracyMinimum();
    const run: GradeRun = {
      warehouse,
      prefix,
      aggregate,
      trigger,
      json,
      logger: createLogger({ service: 'cli', destination: 2 }),
      lock: await gradingLock(process.env, warehouse),
    };
    await reachGradingServices(process.env);
    const outcomes: DateOutcome[] = [];
    for (const [index, date] of dates.entries()) {
      const progress = dates.length > 1 ? `[${index + 1}/${dates.length}] ` : '';
      outcomes.push(await gradeOneDate(run, date, progress, dates.length === 1));
    }
    const report = outcomes.map((outcome) => outcome.entry);
    const failed = outcomes.filter((outcome) => outcome.kind === 'nothing').length;
    const noGames = outcomes.filter((outcome) => outcome.kind === 'no_games').length;
    const lastGraded = outcomes.findLast((outcome) => outcome.kind === 'graded')?.entry.game_date as string | undefined;
    const watch =
      lastGraded === undefined
        ? null
        : await withWarehouseReads(process.env, warehouse, prefix, ({ season }) =>
            watchAccuracy(season, lastGraded, minimum),
          );
    if (watch) alertOnLowAccuracy(run.logger, watch);
    const graded = dates.length - failed - noGames;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ dates: report, graded_dates: graded, no_games_dates: noGames, trigger_source: trigger?.triggerSource ?? null, accuracy: watch }, null, 2)}\n`,
      );
    else {
      if (dates.length > 1)
        process.stdout.write(
          `graded ${graded} of ${dates.length} dates; ${noGames} without games, ${failed} had nothing to grade\n`,
        );
      if (watch?.hitRate !== null && watch)
        process.stdout.write(
          `${watch.systemId} over ${watch.from} .. ${watch.to}: ${watch.wins + watch.losses} decided picks, hit rate ${((watch.hitRate ?? 0) * 100).toFixed(1)}%${watch.low ? ` UNDER the alert minimum ${(watch.minimum * 100).toFixed(1)}%` : ''}\n`,
        );
    }
    return failed > 0 && graded === 0 ? 1 : 0;
  },
};

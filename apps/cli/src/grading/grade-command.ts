import { NothingToGradeError, gradeDate } from '@props/grading';
import { LogEvent, createLogger } from '@props/observability';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { GRADING_LOCK_OPTIONS, gradingLock, withWarehouseReads } from './grading-backend';
import { gradingDates, parseGradingTrigger } from './grading-dates';
import { confidenceTable, gradingTable } from './grading-table';
import { parseGradingArgs } from './warehouse-option';

export const gradeCommand: CliCommand = {
  words: ['grade'],
  summary: "grade dates' consolidated predictions against the box scores (replaces those dates' grading and daily per-system aggregation)",
  usage:
    'props grade (--date yesterday|today|YYYY-MM-DD|FROM..TO | --trigger JSON) [--no-aggregation] [--json] [--warehouse FILE] [--dataset-prefix P]   (PROPS_BACKEND=gcp: BigQuery; the trigger also from PROPS_GRADING_TRIGGER)',
  options: [
    ['--date D', 'yesterday or today (America/New_York), YYYY-MM-DD, or a range FROM..TO'],
    ['--trigger JSON', 'the grading trigger body instead of --date: {"target_date", "trigger_source", "run_aggregation"}'],
    ['--no-aggregation', 'leave system_daily_performance as it is'],
    ['--json', 'print one JSON document: per date, what was graded (or why not) and the per-system summary'],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: [...BACKEND_ENVIRONMENT, ['PROPS_GRADING_TRIGGER', 'the grading trigger body, as --trigger (for a Cloud Run job execution)']],
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(args, { date: { type: 'string' }, trigger: { type: 'string' }, 'no-aggregation': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, { relativeDates: true });
    const json = values.json === true;
    const report: Array<Record<string, unknown>> = [];
    const triggerBody = typeof values.trigger === 'string' ? values.trigger : process.env.PROPS_GRADING_TRIGGER;
    if (typeof values.date === 'string' && triggerBody !== undefined) throw new UsageError('give --date or a trigger body, not both');
    const trigger = triggerBody === undefined ? null : parseGradingTrigger(triggerBody);
    const dateArgument = trigger?.date ?? values.date;
    if (typeof dateArgument !== 'string') throw new UsageError('--date is required (yesterday, today, YYYY-MM-DD or FROM..TO), or a grading trigger body');
    const dates = gradingDates(dateArgument);
    const aggregate = values['no-aggregation'] !== true && (trigger?.aggregate ?? true);
    const logger = createLogger({ service: 'cli', destination: 2 });
    const lock = gradingLock(process.env, warehouse);
    let failed = 0;
    for (const [index, date] of dates.entries()) {
      try {
        const result = await lock.withLock(`grading_${date}`, GRADING_LOCK_OPTIONS, () => withWarehouseReads(process.env, warehouse, prefix, ({ grading }) => gradeDate(grading, date, { aggregate })));
        logger.info({ event: LogEvent.gradingCompleted, game_date: result.gameDate, rows: result.rows.length, replaced: result.replaced, without_box_score: result.withoutBoxScore, aggregated: aggregate, trigger_source: trigger?.triggerSource, correlation_id: trigger?.correlationId }, `graded ${result.rows.length} predictions`);
        report.push({ game_date: result.gameDate, graded: result.rows.length, replaced: result.replaced, without_box_score: result.withoutBoxScore, aggregated: aggregate, systems: result.systems });
        if (json) continue;
        const progress = dates.length > 1 ? `[${index + 1}/${dates.length}] ` : '';
        const skipped = result.withoutBoxScore > 0 ? `; ${result.withoutBoxScore} without a box score line left ungraded` : '';
        process.stdout.write(`${progress}graded ${result.rows.length} predictions of ${result.gameDate}${result.replaced ? ` (replaced ${result.replaced} earlier rows)` : ''} into nba_predictions.prediction_accuracy${aggregate ? ' and system_daily_performance' : ''}${skipped}\n`);
        if (dates.length === 1) process.stdout.write(`${gradingTable(result.systems).join('\n')}\nhit rate by confidence decile (picks):\n${confidenceTable(result.systems).join('\n')}\n`);
      } catch (error) {
        if (!(error instanceof NothingToGradeError)) throw error;
        failed += 1;
        report.push({ game_date: date, graded: 0, skipped: error.message });
        logger.warn({ event: LogEvent.gradingSkipped, game_date: date, reason: error.message }, 'nothing graded');
        if (!json) process.stderr.write(`props grade: ${error.message}\n`);
      }
    }
    if (json) process.stdout.write(`${JSON.stringify({ dates: report, graded_dates: dates.length - failed, trigger_source: trigger?.triggerSource ?? null }, null, 2)}\n`);
    else if (dates.length > 1) process.stdout.write(`graded ${dates.length - failed} of ${dates.length} dates; ${failed} had nothing to grade\n`);
    return failed === dates.length ? 1 : 0;
  },
};

import { NothingToGradeError, gradeDate } from '@props/grading';
import { LogEvent, createLogger } from '@props/observability';
import { UsageError, type CliCommand } from '../cli-command';
import { withWarehouseReads } from './grading-backend';
import { confidenceTable, gradingTable } from './grading-table';
import { parseGradingArgs } from './warehouse-option';

export const gradeCommand: CliCommand = {
  words: ['grade'],
  summary: "grade a date's consolidated predictions against the box scores (replaces that date's grading)",
  usage: 'props grade --date YYYY-MM-DD [--warehouse FILE] [--dataset-prefix P]   (PROPS_BACKEND=gcp: BigQuery)',
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(args, { date: { type: 'string' } });
    if (typeof values.date !== 'string') throw new UsageError('--date is required');
    const logger = createLogger({ service: 'cli', destination: 2 });
    try {
      const result = await withWarehouseReads(process.env, warehouse, prefix, ({ grading }) => gradeDate(grading, values.date as string));
      logger.info({ event: LogEvent.gradingCompleted, game_date: result.gameDate, rows: result.rows.length, replaced: result.replaced }, `graded ${result.rows.length} predictions`);
      process.stdout.write(`graded ${result.rows.length} predictions of ${result.gameDate}${result.replaced ? ` (replaced ${result.replaced} earlier rows)` : ''} into nba_predictions.prediction_accuracy\n${gradingTable(result.systems).join('\n')}\nhit rate by confidence decile (picks):\n${confidenceTable(result.systems).join('\n')}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof NothingToGradeError)) throw error;
      logger.warn({ event: LogEvent.gradingSkipped, game_date: values.date, reason: error.message }, 'nothing graded');
      process.stderr.write(`props grade: ${error.message}\n`);
      return 1;
    }
  },
};

import { isCalendarDate } from '@props/contracts';
import { verifyPredictions } from '@props/grading';
import { LogEvent, createLogger } from '@props/observability';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { withWarehouseReads } from './grading-backend';
import { parseGradingArgs } from './warehouse-option';
import { gradingDates } from './grading-dates';

export const verifyCommand: CliCommand = {
  words: ['verify'],
  summary: 'check every prediction has a model_version and each system covers the expected players; exit 1 if not',
  usage:
    'props verify (--date YYYY-MM-DD | --since TIMESTAMP) [--min-coverage 0.95] [--json] [--warehouse FILE] [--dataset-prefix P]',
  options: [
    ['--date D', 'the game date to check: YYYY-MM-DD, yesterday or today (America/New_York)'],
    ['--since TIMESTAMP', 'instead of --date: every row created since then'],
    ['--min-coverage 0.95', "each required system's share of the expected players"],
    ['--json', 'print the result as one JSON document instead of the table'],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(
      args,
      {
        date: { type: 'string' },
        since: { type: 'string' },
        'min-coverage': { type: 'string', default: '0.95' },
        json: { type: 'boolean', default: false },
      },
      { relativeDates: true },
    );
    if ((values.date === undefined) === (values.since === undefined))
      throw new UsageError('give exactly one of --date or --since');
    if (typeof values.since === 'string' && Number.isNaN(Date.parse(values.since)))
      throw new UsageError(`--since: expected a timestamp such as 2025-03-15T00:00:00Z, got ${values.since}`);
    const minCoverage = Number(values['min-coverage']);
    if (!(minCoverage >= 0 && minCoverage <= 1))
      throw new UsageError(`--min-coverage: expected a share between 0 and 1, got ${values['min-coverage']}`);
    const scope =
      typeof values.date === 'string'
        ? { date: singleDate(values.date) }
        : { since: new Date(Date.parse(values.since as string)).toISOString() };
    const result = await withWarehouseReads(process.env, warehouse, prefix, ({ verification, grading }) =>
      verifyPredictions(verification, scope, minCoverage, grading),
    );
    const noGames = result.scheduledGames === 0;
    const lines = [
      `model_version check, ${result.scope}: ${result.rows} rows, ${result.rowsWithoutModelVersion} without a model_version`,
      `  ${'system'.padEnd(24)} ${'model_version'.padEnd(58)} ${'rows'.padStart(6)} ${'share'.padStart(7)} ${'players'.padStart(7)}`,
      ...result.modelVersions.map(
        (row) =>
          `  ${row.systemId.padEnd(24)} ${row.modelVersion.padEnd(58)} ${String(row.rows).padStart(6)} ${`${(row.share * 100).toFixed(1)}%`.padStart(7)} ${String(row.players).padStart(7)}`,
      ),
      `coverage: ${result.expectedPlayers} players expected (from ${result.expectedFrom}), minimum ${(minCoverage * 100).toFixed(1)}% for required systems`,
      ...result.coverage.map(
        (row) =>
          `  ${row.systemId.padEnd(24)} ${String(row.players).padStart(6)} players ${`${(row.coverage * 100).toFixed(1)}%`.padStart(7)}${row.required ? '' : '  (not required: skips players without similar games)'}`,
      ),
      ...(noGames && 'date' in scope ? [`no games were scheduled on ${scope.date}: nothing to verify`] : []),
      result.failures.length === 0 ? 'PASSED' : `FAILED: ${result.failures.join('; ')}`,
    ];
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...result, minCoverage, passed: result.failures.length === 0 }, null, 2)}\n`
        : `${lines.join('\n')}\n`,
    );
    const logger = createLogger({ service: 'cli', destination: 2 });
    // A game day without predictions pages; a day without games (All-Star break, off-season) is quiet.
    if (noGames)
      logger.info({ event: LogEvent.verifyNoGames, scope: result.scope }, 'no games scheduled: nothing to verify');
    if (result.rows === 0 && (result.scheduledGames ?? 0) > 0)
      logger.error(
        { event: LogEvent.predictionsMissing, scope: result.scope, scheduled_games: result.scheduledGames },
        'no predictions for a date with games',
      );
    if (result.rowsWithoutModelVersion > 0)
      logger.error(
        { event: LogEvent.modelVersionMissing, scope: result.scope, rows: result.rowsWithoutModelVersion },
        'predictions without model_version',
      );
    const low = result.coverage.filter((row) => row.required && row.coverage < minCoverage);
    if (result.rows > 0 && low.length > 0)
      logger.error(
        {
          event: LogEvent.coverageBelowThreshold,
          scope: result.scope,
          systems: low.map((row) => row.systemId),
          min_coverage: minCoverage,
        },
        'coverage below threshold',
      );
    return result.failures.length === 0 ? 0 : 1;
  },
};

/** --date: yesterday or today (America/New_York, as the daily schedule sends it) or one YYYY-MM-DD. */
function singleDate(value: string): string {
  if (!['yesterday', 'today'].includes(value.toLowerCase()) && !isCalendarDate(value))
    throw new UsageError(`--date: expected YYYY-MM-DD, got ${value} (yesterday and today work too)`);
  return gradingDates(value)[0]!;
}

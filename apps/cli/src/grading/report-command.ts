import { NothingToGradeError, gradeDate } from '@props/grading';
import { isCalendarDate } from '@props/contracts';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { renderReport, type ReportInput } from './report-html';
import { renderSeasonReport } from './season-report-html';
import { calendarDays } from './grading-dates';
import { withWarehouseReads } from './grading-backend';
import { parseGradingArgs } from './warehouse-option';
import { reportDestination, savePage } from './report-destination';

/** Grades the date (idempotent) and writes its report; returns the report's path. */
export async function writeReport(
  env: NodeJS.ProcessEnv,
  warehouse: string,
  datasetPrefix: string,
  gameDate: string,
  out: string,
): Promise<{ path: string; input: ReportInput }> {
  const input = await withWarehouseReads(env, warehouse, datasetPrefix, async ({ grading }) => {
    const graded = await gradeDate(grading, gameDate);
    return {
      gameDate,
      generatedAt: new Date().toISOString(),
      batch: await grading.latestBatch(gameDate),
      systems: graded.systems,
      rows: graded.rows,
      playerNames: Object.fromEntries((await grading.playerNames?.(gameDate)) ?? []),
    } satisfies ReportInput;
  });
  await savePage(out, renderReport(input));
  return { path: out, input };
}

/** Reads what grading wrote for the range (it grades nothing) and writes the season page; returns the path. */
export async function writeSeasonReport(
  env: NodeJS.ProcessEnv,
  warehouse: string,
  datasetPrefix: string,
  from: string,
  to: string,
  out: string,
): Promise<string> {
  const view = await withWarehouseReads(env, warehouse, datasetPrefix, ({ season }) => season.seasonView(from, to));
  if (view.days.length === 0)
    throw new NothingToGradeError(
      `nothing is graded between ${from} and ${to}: run props backfill --from ${from} --to ${to} (or props grade --date ${from}..${to}) first`,
    );
  await savePage(out, renderSeasonReport(view, new Date().toISOString()));
  return out;
}

/** A date the schedule has no games on: the off-season (July to September), or a day without games in the season. */
export function noGamesMessage(date: string): string {
  const month = Number(date.slice(5, 7));
  const why =
    month >= 7 && month <= 9
      ? 'it is in the off-season (the regular season starts in October; the finals end in June)'
      : 'a day without games (the All-Star break, a holiday, or outside the season)';
  return `no games were scheduled on ${date}: ${why}; there is nothing to report`;
}

export const reportCommand: CliCommand = {
  words: ['report'],
  summary:
    'one self-contained HTML page: a date graded and reported (--date), or the season view of a range (--from, --to)',
  usage:
    'props report (--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD) [--out FILE.html] [--warehouse FILE] [--dataset-prefix P]',
  options: [
    ['--date D', 'grade the date and report it: summary, hit rate, MAE, scatter, confidence, misses'],
    [
      '--from D --to D',
      'the season view of what is graded in the range: hit rate and MAE per system by week, calibration, volume per date',
    ],
    [
      '--out FILE.html',
      'where the page goes: a file, or gs://bucket/path.html (default $PROPS_REPORT_LOCATION/, else var/reports/: report-D.html or season-FROM-TO.html)',
    ],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: [
    ...BACKEND_ENVIRONMENT,
    [
      'PROPS_REPORT_LOCATION',
      'where pages go without --out: gs://bucket/prefix on the Cloud Run job (its disk does not outlive it), or a folder',
    ],
    ['STORAGE_EMULATOR_HOST', 'another Cloud Storage endpoint (an emulator)'],
  ],
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(args, {
      date: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    });
    const season = typeof values.from === 'string' || typeof values.to === 'string';
    const outFlag = typeof values.out === 'string' ? values.out : undefined;
    if (season === (typeof values.date === 'string')) throw new UsageError('give --date, or --from and --to');
    try {
      if (season) {
        for (const option of ['from', 'to'] as const) {
          const value = values[option];
          if (typeof value !== 'string')
            throw new UsageError(`--${option} is required with --${option === 'from' ? 'to' : 'from'}`);
          if (!isCalendarDate(value)) throw new UsageError(`--${option}: expected YYYY-MM-DD, got ${value}`);
        }
        const [from, to] = [String(values.from), String(values.to)];
        calendarDays(from, to, '--from/--to');
        const out = reportDestination(process.env, outFlag, warehouse, `season-${from}-${to}.html`);
        process.stdout.write(
          `season view of ${from} .. ${to}: ${await writeSeasonReport(process.env, warehouse, prefix, from, to, out)}\n`,
        );
        return 0;
      }
      const date = String(values.date);
      const out = reportDestination(process.env, outFlag, warehouse, `report-${date}.html`);
      const { path } = await writeReport(process.env, warehouse, prefix, date, out);
      process.stdout.write(`report of ${date}: ${path}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof NothingToGradeError)) throw error;
      const date = typeof values.date === 'string' ? values.date : undefined;
      const games =
        date === undefined
          ? null
          : await withWarehouseReads(process.env, warehouse, prefix, ({ grading }) => grading.scheduledGames(date));
      process.stderr.write(`props report: ${games === 0 ? noGamesMessage(date!) : error.message}\n`);
      return 1;
    }
  },
};

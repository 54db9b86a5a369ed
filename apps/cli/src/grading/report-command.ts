import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NothingToGradeError, gradeDate } from '@props/grading';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { renderReport, type ReportInput } from './report-html';
import { withWarehouseReads } from './grading-backend';
import { parseGradingArgs } from './warehouse-option';

/** Grades the date (idempotent) and writes its report; returns the report's path. */
export async function writeReport(env: NodeJS.ProcessEnv, warehouse: string, datasetPrefix: string, gameDate: string, out: string): Promise<{ path: string; input: ReportInput }> {
  const input = await withWarehouseReads(env, warehouse, datasetPrefix, async ({ grading }) => {
    const graded = await gradeDate(grading, gameDate);
    return { gameDate, generatedAt: new Date().toISOString(), batch: await grading.latestBatch(gameDate), systems: graded.systems, rows: graded.rows } satisfies ReportInput;
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(input));
  return { path: out, input };
}

export const reportCommand: CliCommand = {
  words: ['report'],
  summary: 'grade a date and write one self-contained HTML report (summary, hit rate, MAE, scatter, confidence, misses)',
  usage: 'props report --date YYYY-MM-DD [--out FILE.html] [--warehouse FILE] [--dataset-prefix P]',
  options: [['--date D', 'the game date to grade and report'], ['--out FILE.html', 'where the page goes (default var/reports/report-D.html)'], ...WAREHOUSE_OPTIONS],
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { values, warehouse, prefix } = parseGradingArgs(args, { date: { type: 'string' }, out: { type: 'string' } });
    if (typeof values.date !== 'string') throw new UsageError('--date is required');
    const out = resolve(typeof values.out === 'string' ? values.out : join(dirname(warehouse), 'reports', `report-${values.date}.html`));
    try {
      const { path } = await writeReport(process.env, warehouse, prefix, values.date, out);
      process.stdout.write(`report of ${values.date}: ${path}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof NothingToGradeError)) throw error;
      process.stderr.write(`props report: ${error.message}\n`);
      return 1;
    }
  },
};

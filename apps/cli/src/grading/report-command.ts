import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DuckdbGradingStore, NothingToGradeError, gradeDate } from '@props/grading';
import { PREDICTION_BATCHES, qualifiedTableName, requireWarehouseFile, withWarehouse } from '@props/warehouse';
import { UsageError, type CliCommand } from '../cli-command';
import { renderReport, type ReportInput } from './report-html';
import { parseGradingArgs } from './warehouse-option';

/** Grades the date (idempotent) and writes its report; returns the report's path. */
export async function writeReport(warehouse: string, gameDate: string, out: string): Promise<{ path: string; input: ReportInput }> {
  const input = await withWarehouse(warehouse, async (connection) => {
    const graded = await gradeDate(new DuckdbGradingStore(connection), gameDate);
    const batch = (
      await connection.runAndReadAll(
        `SELECT batch_id, players_expected, players_completed, rows_merged, load_path, CAST(consolidated_at AS VARCHAR) AS consolidated_at FROM ${qualifiedTableName(PREDICTION_BATCHES)} WHERE game_date = CAST($1 AS DATE) ORDER BY consolidated_at DESC LIMIT 1`,
        [gameDate],
      )
    ).getRowObjectsJS()[0];
    return {
      gameDate,
      generatedAt: new Date().toISOString(),
      batch: batch
        ? { batchId: String(batch.batch_id), playersExpected: Number(batch.players_expected), playersCompleted: Number(batch.players_completed), rowsMerged: Number(batch.rows_merged), loadPath: String(batch.load_path), consolidatedAt: String(batch.consolidated_at) }
        : null,
      systems: graded.systems,
      rows: graded.rows,
    } satisfies ReportInput;
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(input));
  return { path: out, input };
}

export const reportCommand: CliCommand = {
  words: ['report'],
  summary: 'grade a date and write one self-contained HTML report (summary, hit rate, MAE, scatter, confidence, misses)',
  usage: 'props report --date YYYY-MM-DD [--out FILE.html] [--warehouse FILE]',
  async run(args) {
    const { values, warehouse } = parseGradingArgs(args, { date: { type: 'string' }, out: { type: 'string' } });
    if (typeof values.date !== 'string') throw new UsageError('--date is required');
    requireWarehouseFile(warehouse);
    const out = resolve(typeof values.out === 'string' ? values.out : join(dirname(warehouse), 'reports', `report-${values.date}.html`));
    try {
      const { path } = await writeReport(warehouse, values.date, out);
      process.stdout.write(`report of ${values.date}: ${path}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof NothingToGradeError)) throw error;
      process.stderr.write(`props report: ${error.message}\n`);
      return 1;
    }
  },
};

import { BatchListBodySchema, BatchStatusBodySchema, isCalendarDate, type BatchStatusBody } from '@props/contracts';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { CoordinatorCallError, callService, callerHeaders, readAnswer, refusalText } from '../coordinator-client';
import { redactUrl } from '../cli-errors';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function describe(batch: BatchStatusBody): string {
  const consolidated = batch.consolidation
    ? `, ${batch.consolidation.rows_merged} rows merged (coverage ${percent(batch.consolidation.coverage)})`
    : '';
  const skipped = Object.entries(batch.players_skipped);
  const skippedText = skipped.length
    ? `, ${skipped.reduce((sum, [, count]) => sum + count, 0)} skipped (${skipped.map(([reason, count]) => `${reason} ${count}`).join(', ')})`
    : '';
  return `${batch.batch_id}  ${batch.status.padEnd(13)} ${batch.players_predicted}/${batch.players_expected} predicted${skippedText}, ${batch.players_pending} pending${consolidated}${batch.last_error ? `; last error: ${batch.last_error}` : ''}`;
}

/** The batches a coordinator knows, by date or by id: what an operator asks before and after a stall check. */
export const statusCommand: CliCommand = {
  words: ['status'],
  summary:
    "a coordinator's batches of a date, or one batch: status, players predicted and pending, rows merged, last error",
  usage: 'props status --coordinator URL (--date YYYY-MM-DD | --batch ID) [--json]',
  options: [
    ['--coordinator URL', 'the coordinator to ask'],
    ['--date D', "the date's batches"],
    ['--batch ID', 'one batch'],
    ['--json', "print the coordinator's answer as JSON"],
  ],
  environment: [
    ['PROPS_API_KEY', "the coordinator's API key (x-api-key)"],
    ['PROPS_SMOKE_ID_TOKEN', 'an identity token for the service (Cloud Run)'],
  ],
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        coordinator: { type: 'string' },
        date: { type: 'string' },
        batch: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const coordinator = (values.coordinator ?? '').replace(/\/$/, '');
    if (!/^https?:\/\//.test(coordinator))
      throw new UsageError(
        `--coordinator: expected the coordinator's http(s) URL, got ${values.coordinator ?? 'nothing'}`,
      );
    if ((values.date === undefined) === (values.batch === undefined)) throw new UsageError('give --date or --batch');
    if (values.date !== undefined && !isCalendarDate(values.date))
      throw new UsageError(`--date: expected YYYY-MM-DD, got ${values.date}`);
    const url =
      values.batch !== undefined
        ? `${coordinator}/status/${encodeURIComponent(values.batch)}`
        : `${coordinator}/status?game_date=${values.date}`;
    let batches: BatchStatusBody[];
    try {
      const answer = await callService(url, { headers: callerHeaders(process.env) });
      if (answer.status !== 200)
        throw new CoordinatorCallError(`${redactUrl(url)} answered HTTP ${answer.status}: ${refusalText(answer.body)}`);
      batches =
        values.batch !== undefined
          ? [readAnswer(BatchStatusBodySchema, answer, url)]
          : readAnswer(BatchListBodySchema, answer, url).batches;
    } catch (error) {
      if (!(error instanceof CoordinatorCallError)) throw error;
      process.stderr.write(`props status: ${error.message}\n`);
      return 1;
    }
    if (values.json)
      process.stdout.write(
        `${JSON.stringify(values.batch !== undefined ? batches[0] : { game_date: values.date, batches }, null, 2)}\n`,
      );
    else
      process.stdout.write(
        batches.length === 0 ? `no batches of ${values.date}\n` : `${batches.map(describe).join('\n')}\n`,
      );
    return 0;
  },
};

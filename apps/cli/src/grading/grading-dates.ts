import * as z from 'zod';
import { easternDate, isCalendarDate } from '@props/contracts';
import { UsageError } from '../cli-command';

/** Longest range one `props grade` or `props backfill` run takes: a season is about 240 days. */
const MAX_RANGE_DAYS = 400;

/**
 * The dates `--date` names: `yesterday` or `today` (America/New_York: the original's grading
 * function resolved "yesterday" in UTC, which after 8 PM ET is the day being played), one
 * YYYY-MM-DD, or an inclusive range FROM..TO.
 */
export function gradingDates(value: string, now = new Date()): string[] {
  const word = value.toLowerCase();
  if (word === 'yesterday') return [easternDate(-1, now)];
  if (word === 'today') return [easternDate(0, now)];
  const [from, to, extra] = value.split('..');
  if (extra !== undefined || !isCalendarDate(from!) || (to !== undefined && !isCalendarDate(to))) {
    throw new UsageError(`--date: expected yesterday, today, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got ${value}`);
  }
  if (to === undefined) return [from!];
  return calendarDays(from!, to, '--date');
}

/** Every calendar day from `from` to `to`, inclusive; a reversed or over-long range is a UsageError naming `option`. */
export function calendarDays(from: string, to: string, option: string): string[] {
  if (to < from) throw new UsageError(`${option}: the range ${from}..${to} ends before it starts`);
  const dates: string[] = [];
  for (
    const day = new Date(`${from}T12:00:00Z`);
    day.toISOString().slice(0, 10) <= to;
    day.setUTCDate(day.getUTCDate() + 1)
  )
    dates.push(day.toISOString().slice(0, 10));
  if (dates.length > MAX_RANGE_DAYS)
    throw new UsageError(
      `${option}: the range ${from}..${to} has ${dates.length} days; at most ${MAX_RANGE_DAYS} per run`,
    );
  return dates;
}

/**
 * The body the original platform's grading scheduler publishes on `nba-grading-trigger`
 * (`{"target_date": "yesterday", "trigger_source": "scheduler", "run_aggregation": true}`, and
 * the readiness monitor's `triggered_at`; docs/operations/cutover.md, "Grading trigger"). Unknown fields are
 * tolerated, as the original function tolerated them.
 */
const GradingTriggerSchema = z.looseObject({
  target_date: z.string().default('yesterday'),
  trigger_source: z.string().max(200).optional(),
  run_aggregation: z.boolean().default(true),
  correlation_id: z.string().max(200).optional(),
});

export function parseGradingTrigger(body: string): {
  date: string;
  aggregate: boolean;
  triggerSource: string | null;
  correlationId: string | null;
} {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UsageError(
      '--trigger: expected the grading trigger as JSON, e.g. {"target_date": "yesterday", "trigger_source": "scheduler", "run_aggregation": true}',
    );
  }
  const parsed = GradingTriggerSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `--trigger: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}`,
    );
  return {
    date: parsed.data.target_date,
    aggregate: parsed.data.run_aggregation,
    triggerSource: parsed.data.trigger_source ?? null,
    correlationId: parsed.data.correlation_id ?? null,
  };
}

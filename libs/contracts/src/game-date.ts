import * as z from 'zod';

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 is refused). */
export const GameDateSchema = z.string().refine(isCalendarDate, 'expected a real date as YYYY-MM-DD');

/**
 * Strings already found to be real dates. A batch's requests repeat the same few hundred history
 * dates thousands of times, and the worker checks each one; the bound keeps a long-lived process's
 * set small (a season has about 200 game dates).
 */
const realDates = new Set<string>();
const REAL_DATES_KEPT = 4_096;

export function isCalendarDate(value: string): boolean {
  if (realDates.has(value)) return true;
  const real = isRealDate(value);
  if (real && realDates.size < REAL_DATES_KEPT) realDates.add(value);
  return real;
}

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The calendar date in America/New_York (NBA game dates are ET dates), `offsetDays` from `now`'s. */
export function easternDate(offsetDays = 0, now = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return date.toISOString().slice(0, 10);
}

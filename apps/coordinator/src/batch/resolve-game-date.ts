import { easternDate } from '@props/contracts';

/** TODAY / TOMORROW as calendar dates in America/New_York (NBA game dates are ET dates). */
export function resolveGameDate(value: string, now = new Date()): string {
  if (value !== 'TODAY' && value !== 'TOMORROW') return value;
  return easternDate(value === 'TOMORROW' ? 1 : 0, now);
}

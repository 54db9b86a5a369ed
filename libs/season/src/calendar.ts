const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The original's season phase by month: 10-11 early, 12-2 mid, 3-4 late, anything else playoffs. */
export function seasonPhase(date: string): string {
  const month = Number(date.slice(5, 7));
  if (month >= 10) return 'early';
  if (month === 12 || month <= 2) return 'mid';
  if (month <= 4) return 'late';
  return 'playoffs';
}

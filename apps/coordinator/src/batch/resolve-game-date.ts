/** TODAY / TOMORROW as calendar dates in America/New_York (NBA game dates are ET dates). */
export function resolveGameDate(value: string, now = new Date()): string {
  if (value !== 'TODAY' && value !== 'TOMORROW') return value;
  const shifted = new Date(now.getTime() + (value === 'TOMORROW' ? 86_400_000 : 0));
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(shifted);
}

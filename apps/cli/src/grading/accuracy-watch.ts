import { PRIMARY_SYSTEM } from '@props/contracts';
import type { SeasonSource } from '@props/grading';

/** The system whose picks are served; its rolling hit rate is what the accuracy alert watches. */
export const ACCURACY_WINDOW_DAYS = 7;
/** Fewer decided picks than this in the window say nothing either way. */
export const MIN_DECIDED_PICKS = 50;
/** Below break-even at -110 (110 / 210) the served picks lose money. */
export const DEFAULT_ACCURACY_MINIMUM = 110 / 210;

export interface AccuracyWatch {
  systemId: string;
  from: string;
  to: string;
  wins: number;
  losses: number;
  hitRate: number | null;
  minimum: number;
  /** true: enough picks and the hit rate is under the minimum. */
  low: boolean;
}

/** The primary system's hit rate over the window ending on `gameDate`, from what grading wrote. */
export async function watchAccuracy(season: SeasonSource, gameDate: string, minimum: number): Promise<AccuracyWatch> {
  const from = new Date(Date.parse(`${gameDate}T00:00:00Z`) - (ACCURACY_WINDOW_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const days = (await season.seasonView(from, gameDate)).days.filter((day) => day.systemId === PRIMARY_SYSTEM);
  const wins = days.reduce((sum, day) => sum + day.wins, 0);
  const losses = days.reduce((sum, day) => sum + day.losses, 0);
  const hitRate = wins + losses === 0 ? null : wins / (wins + losses);
  return {
    systemId: PRIMARY_SYSTEM,
    from,
    to: gameDate,
    wins,
    losses,
    hitRate,
    minimum,
    low: hitRate !== null && wins + losses >= MIN_DECIDED_PICKS && hitRate < minimum,
  };
}

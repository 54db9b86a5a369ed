import { emptyZoneTotals, type PlayerLine, type ZoneTotals } from './box-score-synthesis';

/** One game a player played, as the features read it (newest first in the lists below). */
export interface PlayedGame {
  gameDate: string;
  dayNumber: number;
  opponent: string;
  points: number;
  minutes: number;
  ftMakes: number;
  paintAttempts: number;
  midAttempts: number;
  threeAttempts: number;
  fgAttempts: number;
  usageRate: number;
}

/** One game of a team, as the team and opponent features read it. */
export interface TeamGame {
  gameDate: string;
  dayNumber: number;
  pace: number;
  offensiveRating: number;
  defensiveRating: number;
  won: boolean;
  /** Zone makes and attempts the team allowed (for the opponent's shot-zone defence). */
  allowed: ZoneTotals;
}

export const ZONES = ['paint', 'mid', 'three'] as const;
export type Zone = (typeof ZONES)[number];

export function zoneTotals(lines: readonly PlayerLine[]): ZoneTotals {
  const totals = emptyZoneTotals();
  for (const line of lines) {
    totals.paintMakes += line.paintMakes;
    totals.paintAttempts += line.paintAttempts;
    totals.midMakes += line.midMakes;
    totals.midAttempts += line.midAttempts;
    totals.threeMakes += line.threeMakes;
    totals.threeAttempts += line.threeAttempts;
  }
  return totals;
}

/**
 * Everything that happened before the date being generated. The generator only appends after
 * a date's features and lines are computed, so no feature can see its own game.
 */
export class SeasonHistory {
  readonly playerGames = new Map<string, PlayedGame[]>();
  /** Every team game date a player was on the roster for, played or not. */
  readonly rosterDates = new Map<string, number[]>();
  readonly teamGames = new Map<string, TeamGame[]>();
  readonly status = new Map<string, string>();
  readonly league: ZoneTotals = emptyZoneTotals();

  /** Played games, newest first. */
  games(lookup: string): readonly PlayedGame[] {
    return this.playerGames.get(lookup) ?? [];
  }

  team(team: string): readonly TeamGame[] {
    return this.teamGames.get(team) ?? [];
  }

  recordPlayed(lookup: string, game: PlayedGame): void {
    const list = this.playerGames.get(lookup) ?? [];
    list.unshift(game);
    this.playerGames.set(lookup, list);
  }

  recordRosterDate(lookup: string, dayNumber: number): void {
    const list = this.rosterDates.get(lookup) ?? [];
    list.unshift(dayNumber);
    this.rosterDates.set(lookup, list);
  }

  recordTeamGame(team: string, game: TeamGame): void {
    const list = this.teamGames.get(team) ?? [];
    list.unshift(game);
    this.teamGames.set(team, list);
    for (const key of Object.keys(this.league) as (keyof ZoneTotals)[]) this.league[key] += game.allowed[key];
  }
}

import type { RosterPlayer } from './rosters';
import type { SeededRandom } from './seeded-random';

/** Field-goal makes and attempts by zone (a player's line, or what a defence allowed). */
export interface ZoneTotals {
  paintMakes: number;
  paintAttempts: number;
  midMakes: number;
  midAttempts: number;
  threeMakes: number;
  threeAttempts: number;
}

export function emptyZoneTotals(): ZoneTotals {
  return { paintMakes: 0, paintAttempts: 0, midMakes: 0, midAttempts: 0, threeMakes: 0, threeAttempts: 0 };
}

export interface PlayerLine extends ZoneTotals {
  player: RosterPlayer;
  minutes: number;
  points: number;
  ftMakes: number;
  ftAttempts: number;
}

const TEAM_MINUTES = 240;

/** Splits `total` into integers proportional to `weights` (largest remainder), summing exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    floors[index]! += 1;
    left -= 1;
  }
  return floors;
}

function attemptsFor(makes: number, percentage: number, random: SeededRandom): number {
  return makes + random.poisson((makes + 0.4) * ((1 - percentage) / percentage));
}

/**
 * One team's box score for a game: minutes add up to 240 and points to the team's real final
 * score. Points arrive as scoring events (free throw, two, three) drawn player by player in
 * proportion to minutes x scoring rate x a per-game hot/cold factor, which gives the real
 * spread: stars vary by a few baskets, bench players often score 0.
 */
export function synthesizeTeamBoxScore(
  active: readonly RosterPlayer[],
  teamPoints: number,
  random: SeededRandom,
): PlayerLine[] {
  const minuteWeights = active.map((player) => Math.max(0.5, player.baseMinutes * random.logNormal(0.22)));
  // Everyone who checks in plays at least a minute.
  const minutes = apportion(TEAM_MINUTES - active.length, minuteWeights).map((value) => value + 1);
  const lines: PlayerLine[] = active.map((player, index) => ({
    player,
    minutes: minutes[index]!,
    points: 0,
    ftMakes: 0,
    ftAttempts: 0,
    ...emptyZoneTotals(),
  }));
  const scoringWeights = lines.map((line) => line.minutes * line.player.pointsPerMinute * random.logNormal(0.24));
  const total = scoringWeights.reduce((a, b) => a + b, 0);
  let remaining = teamPoints;
  while (remaining > 0) {
    const line = lines[random.weightedIndex(scoringWeights, total)]!;
    const shares = line.player.makeShares;
    const draw = random.next();
    let kind: 1 | 2 | 3 = draw < shares.freeThrow ? 1 : draw < shares.freeThrow + shares.three ? 3 : 2;
    if (kind > remaining) kind = remaining as 1 | 2;
    line.points += kind;
    remaining -= kind;
    if (kind === 1) line.ftMakes += 1;
    else if (kind === 3) line.threeMakes += 1;
    else if (random.chance(line.player.paintShareOfTwos)) line.paintMakes += 1;
    else line.midMakes += 1;
  }
  for (const line of lines) {
    line.ftAttempts = attemptsFor(line.ftMakes, 0.78, random);
    line.paintAttempts = attemptsFor(line.paintMakes, 0.6, random);
    line.midAttempts = attemptsFor(line.midMakes, 0.42, random);
    line.threeAttempts = attemptsFor(line.threeMakes, 0.36, random);
  }
  return lines;
}

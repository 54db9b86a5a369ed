import type { IndexedPlayer } from './sample-data';
import type { SeededRandom } from './seeded-random';

/** A player's role for the whole season: how much they play and score, and how. */
export interface RosterPlayer {
  lookup: string;
  fullName: string;
  universalId: string;
  team: string;
  /** 0 = the team's first option; the order of the rotation. */
  rank: number;
  baseMinutes: number;
  pointsPerMinute: number;
  /** Shares of made baskets by kind (free throws, twos, threes), summing to 1. */
  makeShares: { freeThrow: number; two: number; three: number };
  /** Share of two-point makes at the rim (the rest are mid-range). */
  paintShareOfTwos: number;
  /** Chance to be listed out before any game (injury spells make it persist). */
  injuryProneness: number;
}

const ROSTER_SIZE = 17;
const ROTATION_MINUTES = [34, 33, 31, 29, 27, 25, 22, 19, 16, 13, 9, 6, 4, 3, 2, 2, 1];
const POINTS_PER_MINUTE = [
  0.78, 0.63, 0.55, 0.5, 0.46, 0.44, 0.42, 0.4, 0.38, 0.34, 0.3, 0.27, 0.25, 0.24, 0.22, 0.22, 0.2,
];

/** Builds each team's 17-man roster from the real player index with a fixed rotation order. */
export function buildRosters(
  players: readonly IndexedPlayer[],
  teams: readonly string[],
  random: SeededRandom,
): Map<string, RosterPlayer[]> {
  const rosters = new Map<string, RosterPlayer[]>();
  const seen = new Set<string>();
  for (const team of [...teams].sort()) {
    const candidates = players
      .filter((player) => player.team === team && !seen.has(player.lookup))
      .map((player) => ({
        player,
        order:
          (player.draftNumber ?? 45) / 60 +
          random.next() * 1.4 -
          Math.min(player.fromYear > 0 ? 2025 - player.fromYear : 0, 8) * 0.06,
      }))
      .sort((a, b) => a.order - b.order || a.player.lookup.localeCompare(b.player.lookup))
      .slice(0, ROSTER_SIZE);
    if (candidates.length < 12)
      throw new Error(`player index has ${candidates.length} players for ${team}; a roster needs at least 12`);
    rosters.set(
      team,
      candidates.map(({ player }, rank) => {
        seen.add(player.lookup);
        const guard = player.position.startsWith('G');
        const center = player.position.startsWith('C');
        const three = Math.max(0.05, (guard ? 0.34 : center ? 0.12 : 0.26) + random.normal(0, 0.06));
        const freeThrow = Math.max(0.08, 0.16 + random.normal(0, 0.04) + (rank < 3 ? 0.03 : 0));
        return {
          lookup: player.lookup,
          fullName: player.fullName,
          universalId: `${player.lookup}_${String(player.personId).slice(-3)}`,
          team,
          rank,
          baseMinutes: ROTATION_MINUTES[rank]!,
          pointsPerMinute: POINTS_PER_MINUTE[rank]! * random.logNormal(0.12),
          makeShares: { freeThrow, three, two: 1 - freeThrow - three },
          paintShareOfTwos: Math.min(0.9, Math.max(0.3, (center ? 0.8 : guard ? 0.5 : 0.62) + random.normal(0, 0.08))),
          injuryProneness: 0.015 + random.next() * 0.035,
        };
      }),
    );
  }
  return rosters;
}

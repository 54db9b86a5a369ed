import type { PlayerCandidate } from './player-candidates';

export const MIN_MINUTES = 15;
export const MIN_GAMES_FOR_ESTIMATE = 3;

export interface SelectedPlayer {
  candidate: PlayerCandidate;
  line: number;
  lineSource: 'ACTUAL_PROP' | 'ESTIMATED_AVG';
  sportsbook: string | null;
}

export interface PlayerSelection {
  selected: SelectedPlayer[];
  /** Players of the date's context left out, counted by reason. */
  dropped: Record<string, number>;
}

const roundToHalf = (value: number) => Math.round(value * 2) / 2;

/**
 * The original's selection with its bugs fixed: a player plays enough minutes or has a line,
 * is production-ready, and is not OUT or DOUBTFUL in any letter case (the original compared
 * upper-case names against lower-case data, so those players got predictions). The line is the
 * preferred book's, else an estimate from recent scoring when there are enough games. A caller
 * may lower the minutes floor (`/start`'s `min_minutes`: the regeneration scripts send 0).
 */
export function selectPlayers(candidates: readonly PlayerCandidate[], minMinutes = MIN_MINUTES): PlayerSelection {
  const selection: PlayerSelection = { selected: [], dropped: {} };
  const drop = (reason: string) => (selection.dropped[reason] = (selection.dropped[reason] ?? 0) + 1);
  for (const candidate of candidates) {
    const status = candidate.playerStatus?.toLowerCase() ?? null;
    if (status === 'out' || status === 'doubtful') drop(`injury status ${status}`);
    else if (!candidate.isProductionReady) drop('context not production-ready');
    else if ((candidate.avgMinutesLast7 ?? 0) < minMinutes && candidate.line === null)
      drop(`under ${minMinutes} minutes and no line`);
    else if (candidate.line !== null) {
      selection.selected.push({
        candidate,
        line: candidate.line,
        lineSource: 'ACTUAL_PROP',
        sportsbook: candidate.bookmaker?.toUpperCase() ?? null,
      });
    } else {
      const average = candidate.pointsAvgLast5 ?? candidate.pointsAvgLast10;
      if (candidate.gamesUsedLast10 < MIN_GAMES_FOR_ESTIMATE || average === null)
        drop('needs bootstrap (too few games to estimate a line)');
      else
        selection.selected.push({
          candidate,
          line: Math.max(0.5, roundToHalf(average)),
          lineSource: 'ESTIMATED_AVG',
          sportsbook: null,
        });
    }
  }
  return selection;
}

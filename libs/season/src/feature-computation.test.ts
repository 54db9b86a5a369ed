import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '@props/feature-vector';
import { computeFeatures, type PlayerDateContext } from './feature-computation';
import { SeasonHistory } from './season-history';

const context: PlayerDateContext = {
  lookup: 'someone',
  team: 'BOS',
  opponent: 'NYK',
  dayNumber: 100,
  isHome: true,
  isPostseason: false,
  daysRest: 1,
  opponentDaysRest: 3,
  backToBack: true,
  gamesLast7Days: 4,
  minutesLast7Days: 250,
  backToBacksLast14Days: 2,
  status: 'Questionable',
  starTeammatesOut: 0,
  closingLine: 21.5,
  openingLine: 20.5,
};

function historyWith(pointsNewestFirst: number[]): SeasonHistory {
  const history = new SeasonHistory();
  [...pointsNewestFirst].reverse().forEach((points, index) => {
    history.recordPlayed('someone', {
      gameDate: `2025-01-${String(index + 1).padStart(2, '0')}`,
      dayNumber: 90 + index,
      opponent: index % 2 ? 'NYK' : 'MIA',
      points,
      minutes: 30,
      ftMakes: 3,
      paintAttempts: 6,
      midAttempts: 3,
      threeAttempts: 5,
      fgAttempts: 14,
      usageRate: 22,
    });
  });
  return history;
}

const value = (values: number[], name: (typeof FEATURE_NAMES)[number]) => values[FEATURE_NAMES.indexOf(name)];

describe('computeFeatures', () => {
  it('gives recent_trend the documented sign: positive when the last three games beat the two before', () => {
    expect(value(computeFeatures(context, historyWith([30, 30, 30, 10, 10])).values, 'recent_trend')).toBe(2);
    expect(value(computeFeatures(context, historyWith([10, 10, 10, 30, 30])).values, 'recent_trend')).toBe(-2);
    expect(value(computeFeatures(context, historyWith([23, 23, 23, 20, 20])).values, 'recent_trend')).toBe(1);
  });

  it('computes back-to-back fatigue, injury risk case-insensitively, Vegas movement, and opponent history', () => {
    const { values, sources } = computeFeatures(context, historyWith([30, 30, 30, 10, 10]));
    // 100 - 15 (back to back) - 10 (4 games in 7 days) - 10 (250 minutes) - 8 (over 35 a game) - 12 (two back-to-backs in 14 days)
    expect(value(values, 'fatigue_score')).toBe(45);
    expect(value(values, 'back_to_back')).toBe(1);
    expect(value(values, 'injury_risk')).toBe(2);
    expect(value(values, 'rest_advantage')).toBe(-2);
    expect(value(values, 'vegas_line_move')).toBe(1);
    expect(value(values, 'games_vs_opponent')).toBe(2);
    expect(value(values, 'avg_points_vs_opponent')).toBe(20);
    expect(sources[FEATURE_NAMES.indexOf('opponent_def_rating')]).toBe('default');
  });

  it('falls back to the defaults, labelled, for a player without games, and scores the quality from the labels', () => {
    const result = computeFeatures({ ...context, closingLine: null, openingLine: null }, new SeasonHistory());
    expect(value(result.values, 'points_avg_last_5')).toBe(10);
    expect(value(result.values, 'vegas_points_line')).toBe(15);
    expect(value(result.values, 'pct_paint')).toBe(0.3);
    expect(result.sources.filter((source) => source === 'default').length).toBeGreaterThan(15);
    expect(result.qualityScore).toBeLessThan(70);
  });
});

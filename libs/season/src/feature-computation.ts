import { FEATURE_NAMES, type FeatureName } from '@props/feature-vector';
import { ZONES, type PlayedGame, type SeasonHistory, type TeamGame, type Zone } from './season-history';

/** What the game context says about a player on the date (computed before the game). */
export interface PlayerDateContext {
  lookup: string;
  team: string;
  opponent: string;
  dayNumber: number;
  isHome: boolean;
  isPostseason: boolean;
  daysRest: number | null;
  opponentDaysRest: number | null;
  backToBack: boolean;
  gamesLast7Days: number;
  minutesLast7Days: number;
  backToBacksLast14Days: number;
  status: string;
  /** Teammates among the team's three leading scorers listed out or doubtful. */
  starTeammatesOut: number;
  closingLine: number | null;
  openingLine: number | null;
}

/** computed = from box scores, schedule or lines; context = from the game context row; default = no data. */
export type FeatureSource = 'computed' | 'context' | 'default';
const SOURCE_WEIGHT: Record<FeatureSource, number> = { computed: 100, context: 75, default: 40 };

export interface ComputedFeatures {
  values: number[];
  sources: FeatureSource[];
  qualityScore: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function sampleStd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

function stepScore(value: number, high: number, low: number): number {
  if (value >= high) return 2;
  if (value >= low) return 1;
  if (value <= -high) return -2;
  if (value <= -low) return -1;
  return 0;
}

const STATUS_RISK: Record<string, number> = { available: 0, probable: 1, questionable: 2, doubtful: 3, out: 3 };

/** The original's fatigue score (composite factors), with back-to-backs detected for real. */
function fatigueScore(context: PlayerDateContext): number {
  let score = 100;
  if (context.backToBack) score -= 15;
  else if ((context.daysRest ?? 1) >= 3) score += 5;
  if (context.gamesLast7Days >= 4) score -= 10;
  if (context.minutesLast7Days > 240) score -= 10;
  const averageMinutes = context.gamesLast7Days > 0 ? context.minutesLast7Days / context.gamesLast7Days : 30;
  if (averageMinutes > 35) score -= 8;
  if (context.backToBacksLast14Days >= 2) score -= 12;
  else if (context.backToBacksLast14Days === 1) score -= 5;
  return Math.round(clamp(score, 0, 100));
}

function zoneShare(games: readonly PlayedGame[], zone: Zone): number {
  const attempts = games.reduce((sum, game) => sum + game.paintAttempts + game.midAttempts + game.threeAttempts, 0);
  const zoneAttempts = games.reduce(
    (sum, game) =>
      sum + (zone === 'paint' ? game.paintAttempts : zone === 'mid' ? game.midAttempts : game.threeAttempts),
    0,
  );
  return attempts > 0 ? zoneAttempts / attempts : 0;
}

/** Opponent FG% allowed in a zone over its last 15 games minus the league's, x100. */
function zoneDefenceVsLeague(opponentGames: readonly TeamGame[], zone: Zone, history: SeasonHistory): number {
  const makes = (game: { paintMakes: number; midMakes: number; threeMakes: number }) =>
    zone === 'paint' ? game.paintMakes : zone === 'mid' ? game.midMakes : game.threeMakes;
  const attempts = (game: { paintAttempts: number; midAttempts: number; threeAttempts: number }) =>
    zone === 'paint' ? game.paintAttempts : zone === 'mid' ? game.midAttempts : game.threeAttempts;
  const allowedMakes = opponentGames.reduce((sum, game) => sum + makes(game.allowed), 0);
  const allowedAttempts = opponentGames.reduce((sum, game) => sum + attempts(game.allowed), 0);
  const leagueAttempts = attempts(history.league);
  if (allowedAttempts === 0 || leagueAttempts === 0) return 0;
  return (allowedMakes / allowedAttempts - makes(history.league) / leagueAttempts) * 100;
}

/** What every feature group reads: the context and the histories before the date. */
interface FeatureInputs {
  context: PlayerDateContext;
  history: SeasonHistory;
  games: readonly PlayedGame[];
  last10: readonly PlayedGame[];
  teamGames: readonly TeamGame[];
  opponentGames: readonly TeamGame[];
  seasonAverage: number | null;
}

type SetFeature = (name: FeatureName, value: number, source: FeatureSource) => void;

/**
 * The 33 features of v2_33features for one player and date, from history strictly before the
 * date, with the original's definitions and its documented bugs fixed: pace_score,
 * usage_spike_score, back_to_back and team_win_pct are computed for real, recent_trend is
 * positive when the player scores more lately, and no window includes the game itself.
 */
export function computeFeatures(context: PlayerDateContext, history: SeasonHistory): ComputedFeatures {
  const values = new Map<FeatureName, number>();
  const sources = new Map<FeatureName, FeatureSource>();
  const set: SetFeature = (name, value, source) => {
    values.set(name, value);
    sources.set(name, source);
  };
  const games = history.games(context.lookup);
  const inputs: FeatureInputs = {
    context,
    history,
    games,
    last10: games.slice(0, 10),
    teamGames: history.team(context.team),
    opponentGames: history.team(context.opponent),
    seasonAverage: games.length > 0 ? mean(games.map((game) => game.points)) : null,
  };
  for (const group of [scoring, matchup, form, opponentAndVenue, shotProfile, team, vegasLine, history30Days])
    group(inputs, set);
  const orderedValues = FEATURE_NAMES.map((name) => round(values.get(name)!, 6));
  const orderedSources = FEATURE_NAMES.map((name) => sources.get(name)!);
  const qualityScore = round(mean(orderedSources.map((source) => SOURCE_WEIGHT[source])), 2);
  return { values: orderedValues, sources: orderedSources, qualityScore };
}

/** Points averages and spread, games in the last week, fatigue. */
function scoring({ context, games, last10, seasonAverage }: FeatureInputs, set: SetFeature): void {
  if (games.length >= 5) {
    set('points_avg_last_5', mean(games.slice(0, 5).map((game) => game.points)), 'computed');
    set('points_avg_last_10', mean(last10.map((game) => game.points)), 'computed');
    set('points_std_last_10', sampleStd(last10.map((game) => game.points)), 'computed');
  } else {
    set('points_avg_last_5', 10, 'default');
    set('points_avg_last_10', 10, 'default');
    set('points_std_last_10', 5, 'default');
  }
  set('points_avg_season', seasonAverage ?? 10, seasonAverage === null ? 'default' : 'computed');
  set('games_in_last_7_days', context.gamesLast7Days, 'context');
  set('fatigue_score', fatigueScore(context), 'computed');
}

/** The player's favourite zone against the opponent's defence there, and the pace differential. */
function matchup({ history, last10, teamGames, opponentGames }: FeatureInputs, set: SetFeature): void {
  const opponentLast15 = opponentGames.slice(0, 15);
  if (last10.length >= 10 && opponentLast15.length >= 15) {
    const shares = {
      paint: zoneShare(last10, 'paint'),
      mid: zoneShare(last10, 'mid'),
      three: zoneShare(last10, 'three'),
    };
    const zone: Zone =
      shares.paint >= 0.4 ? 'paint' : shares.three >= 0.4 ? 'three' : shares.mid >= 0.35 ? 'mid' : 'paint';
    let mismatch = zoneDefenceVsLeague(opponentLast15, zone, history) * Math.min((shares[zone] * 100) / 50, 1);
    if (Math.abs(mismatch) > 5) mismatch *= 1.2;
    set('shot_zone_mismatch_score', round(clamp(mismatch, -10, 10), 1), 'computed');
  } else set('shot_zone_mismatch_score', 0, 'default');

  const teamLast10 = teamGames.slice(0, 10);
  const opponentLast10 = opponentGames.slice(0, 10);
  if (teamLast10.length >= 5 && opponentLast10.length >= 5) {
    const paceDifferential = mean(teamLast10.map((game) => game.pace)) - mean(opponentLast10.map((game) => game.pace));
    set('pace_score', round(clamp(paceDifferential / 2, -3, 3), 1), 'computed');
  } else set('pace_score', 0, 'default');
}

/** Usage spike, rest advantage, injury risk, scoring trend and minutes change. */
function form({ context, games, last10 }: FeatureInputs, set: SetFeature): void {
  if (games.length >= 3) {
    const projected = mean(games.slice(0, 3).map((game) => game.usageRate));
    const baseline = mean(games.slice(0, 7).map((game) => game.usageRate));
    let spike = baseline > 0 ? 0.3 * (projected - baseline) : 0;
    if (context.starTeammatesOut > 0 && spike > 0) spike *= context.starTeammatesOut === 1 ? 1.15 : 1.3;
    set('usage_spike_score', round(clamp(spike, -3, 3), 1), 'computed');
  } else set('usage_spike_score', 0, 'default');

  if (context.daysRest !== null && context.opponentDaysRest !== null)
    set('rest_advantage', clamp(context.daysRest - context.opponentDaysRest, -2, 2), 'computed');
  else set('rest_advantage', 0, 'default');
  set('injury_risk', STATUS_RISK[context.status.toLowerCase()] ?? 0, 'context');

  if (games.length >= 5) {
    const recent = mean(games.slice(0, 3).map((game) => game.points));
    const older = mean(games.slice(3, 5).map((game) => game.points));
    set('recent_trend', stepScore(recent - older, 5, 2), 'computed');
  } else set('recent_trend', 0, 'default');

  if (games.length > 0) {
    const seasonMinutes = mean(games.map((game) => game.minutes));
    const recentMinutes = mean(last10.map((game) => game.minutes));
    set(
      'minutes_change',
      seasonMinutes > 0 ? stepScore((recentMinutes - seasonMinutes) / seasonMinutes, 0.2, 0.1) : 0,
      'computed',
    );
  } else set('minutes_change', 0, 'default');
}

/** The opponent's defence and pace over 15 games, home or away, back to back, postseason. */
function opponentAndVenue({ context, opponentGames }: FeatureInputs, set: SetFeature): void {
  const opponentLast15 = opponentGames.slice(0, 15);
  if (opponentLast15.length >= 15) {
    set('opponent_def_rating', round(mean(opponentLast15.map((game) => game.defensiveRating)), 2), 'computed');
    set('opponent_pace', round(mean(opponentLast15.map((game) => game.pace)), 1), 'computed');
  } else {
    set('opponent_def_rating', 112, 'default');
    set('opponent_pace', 100, 'default');
  }
  set('home_away', context.isHome ? 1 : 0, 'context');
  set('back_to_back', context.backToBack ? 1 : 0, 'context');
  set('playoff_game', context.isPostseason ? 1 : 0, 'context');
}

/** Where the player's shots came from over ten games, and the share of points from free throws. */
function shotProfile({ last10 }: FeatureInputs, set: SetFeature): void {
  const shotGames = last10.filter((game) => game.fgAttempts > 0);
  if (shotGames.length >= 10) {
    for (const zone of ZONES)
      set(
        zone === 'paint' ? 'pct_paint' : zone === 'mid' ? 'pct_mid_range' : 'pct_three',
        round(zoneShare(shotGames, zone), 4),
        'computed',
      );
  } else {
    set('pct_paint', 0.3, 'default');
    set('pct_mid_range', 0.2, 'default');
    set('pct_three', 0.35, 'default');
  }
  const pointsLast10 = last10.reduce((sum, game) => sum + game.points, 0);
  if (last10.length >= 5 && pointsLast10 > 0)
    set(
      'pct_free_throw',
      round(clamp(last10.reduce((sum, game) => sum + game.ftMakes, 0) / pointsLast10, 0, 0.5), 9),
      'computed',
    );
  else set('pct_free_throw', 0.15, 'default');
}

/** The player's team: pace and offence over ten games, winning percentage over the season. */
function team({ teamGames }: FeatureInputs, set: SetFeature): void {
  const teamLast10 = teamGames.slice(0, 10);
  if (teamLast10.length > 0) {
    set('team_pace', round(mean(teamLast10.map((game) => game.pace)), 1), 'computed');
    set('team_off_rating', round(mean(teamLast10.map((game) => game.offensiveRating)), 2), 'computed');
  } else {
    set('team_pace', 100, 'default');
    set('team_off_rating', 112, 'default');
  }
  if (teamGames.length >= 5)
    set('team_win_pct', round(teamGames.filter((game) => game.won).length / teamGames.length, 9), 'computed');
  else set('team_win_pct', 0.5, 'default');
}

/** The books' line (the season average standing in when there is none) and the record against the opponent. */
function vegasLine({ context, games, seasonAverage }: FeatureInputs, set: SetFeature): void {
  const fallbackLine = seasonAverage ?? 15;
  if (context.closingLine !== null) {
    const opening = context.openingLine ?? context.closingLine;
    set('vegas_points_line', context.closingLine, 'computed');
    set('vegas_opening_line', opening, 'computed');
    set('vegas_line_move', round(context.closingLine - opening, 2), 'computed');
    set('has_vegas_line', 1, 'computed');
  } else {
    set('vegas_points_line', fallbackLine, 'default');
    set('vegas_opening_line', fallbackLine, 'default');
    set('vegas_line_move', 0, 'default');
    set('has_vegas_line', 0, 'computed');
  }
  const versus = games.filter((game) => game.opponent === context.opponent);
  set(
    'avg_points_vs_opponent',
    versus.length > 0 ? mean(versus.map((game) => game.points)) : fallbackLine,
    versus.length > 0 ? 'computed' : 'default',
  );
  set('games_vs_opponent', versus.length, 'computed');
}

/** Minutes and points per minute over the games played in the last 30 days. */
function history30Days({ context, games }: FeatureInputs, set: SetFeature): void {
  const recentPlayed = games.filter((game) => game.dayNumber >= context.dayNumber - 30 && game.minutes > 0);
  if (recentPlayed.length > 0) {
    set('minutes_avg_last_10', round(mean(recentPlayed.map((game) => game.minutes)), 2), 'computed');
    set('ppm_avg_last_10', round(mean(recentPlayed.map((game) => game.points / game.minutes)), 4), 'computed');
  } else {
    set('minutes_avg_last_10', 28, 'default');
    set('ppm_avg_last_10', 0.4, 'default');
  }
}

export function qualityTier(score: number): string {
  if (score >= 95) return 'gold';
  if (score >= 75) return 'silver';
  if (score >= 50) return 'bronze';
  if (score >= 25) return 'poor';
  return 'unusable';
}

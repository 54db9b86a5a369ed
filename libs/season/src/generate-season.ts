import { FEATURE_NAMES } from '@props/feature-vector';
import { synthesizeTeamBoxScore, type PlayerLine } from './box-score-synthesis';
import { addDays, dayNumber, seasonPhase } from './calendar';
import { computeFeatures, qualityTier, type PlayerDateContext } from './feature-computation';
import { postLines, type BookLine } from './prop-lines';
import { buildRosters, type RosterPlayer } from './rosters';
import type { IndexedPlayer, ScheduledGame } from './sample-data';
import { SeasonHistory, zoneTotals } from './season-history';
import { SeededRandom } from './seeded-random';

export type Row = Record<string, unknown>;

export interface SeasonRows {
  schedule: Row[];
  playerGames: Row[];
  teamGames: Row[];
  context: Row[];
  props: Row[];
  features: Row[];
}

export interface GenerateSeasonOptions {
  seed: number;
  /** Called after each game date with the dates done and the total. */
  onProgress?: (datesDone: number, datesTotal: number, gameDate: string) => void;
}

const SEASON_YEAR = 2024;
const BOOTSTRAP_DAYS = 14;
const LINES_PER_TEAM = 8;

interface Side {
  game: ScheduledGame;
  team: string;
  opponent: string;
  isHome: boolean;
  points: number;
}

function sidesOf(game: ScheduledGame): Side[] {
  return [
    { game, team: game.homeTeam, opponent: game.awayTeam, isHome: true, points: game.homeScore },
    { game, team: game.awayTeam, opponent: game.homeTeam, isHome: false, points: game.awayScore },
  ];
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Whether a player is on the injury report before the game, with spells that persist. */
function drawStatus(player: RosterPlayer, previous: string | undefined, random: SeededRandom): string {
  if (previous === 'out' && random.chance(0.65)) return 'out';
  const draw = random.next();
  if (draw < player.injuryProneness) return 'out';
  if (draw < player.injuryProneness + 0.015) return 'doubtful';
  if (draw < player.injuryProneness + 0.055) return 'questionable';
  if (draw < player.injuryProneness + 0.085) return 'probable';
  return 'available';
}

/** Whether a player with this status and rotation rank ends up playing. */
function plays(player: RosterPlayer, status: string, random: SeededRandom): boolean {
  if (status === 'out') return false;
  if (status === 'doubtful' && random.chance(0.75)) return false;
  if (status === 'questionable' && random.chance(0.15)) return false;
  if (player.rank >= 12) return random.chance(0.1);
  if (player.rank >= 10) return random.chance(0.5);
  return true;
}

/** What the generator carries from date to date. */
interface Season {
  random: SeededRandom;
  rosters: Map<string, RosterPlayer[]>;
  history: SeasonHistory;
  rows: SeasonRows;
  seasonStart: number;
  lastTeamDay: Map<string, number>;
}

/** One game date: its day number, and who is on the injury report before its games. */
interface GameDay {
  gameDate: string;
  today: number;
  createdAt: string;
  /** When the date's box scores were processed: the next morning. */
  processedAt: string;
  statuses: Map<string, string>;
  restOf: (team: string) => number | null;
}

/**
 * A full season from the real schedule and player index: box scores adding up to the real
 * finals, game context, prop lines and the feature store, date by date so that every value of a
 * date is computed from earlier games only. Deterministic for a seed: the steps below draw from
 * one random sequence, so their order is part of the output.
 */
export function generateSeason(
  schedule: readonly ScheduledGame[],
  players: readonly IndexedPlayer[],
  options: GenerateSeasonOptions,
): SeasonRows {
  const random = new SeededRandom(options.seed);
  const teams = [...new Set(schedule.flatMap((game) => [game.homeTeam, game.awayTeam]))];
  const dates = [...new Set(schedule.map((game) => game.gameDate))].sort();
  const season: Season = {
    random,
    rosters: buildRosters(players, teams, random),
    history: new SeasonHistory(),
    rows: { schedule: [], playerGames: [], teamGames: [], context: [], props: [], features: [] },
    seasonStart: dayNumber(schedule.find((game) => game.seasonType === 'regular')?.gameDate ?? dates[0]!),
    lastTeamDay: new Map(),
  };
  dates.forEach((gameDate, dateIndex) => {
    const games = schedule.filter((game) => game.gameDate === gameDate);
    const day = openGameDay(season, gameDate, games);
    for (const side of games.flatMap(sidesOf)) {
      const lined = postSideLines(season, day, side);
      const stars = topScorers(season, side.team);
      for (const player of season.rosters.get(side.team)!)
        recordBeforeGame(season, day, side, player, { lines: lined.get(player.lookup) ?? [], stars });
    }
    for (const game of games) playGame(season, day, game);
    for (const [lookup, status] of day.statuses) season.history.status.set(lookup, status);
    options.onProgress?.(dateIndex + 1, dates.length, gameDate);
  });
  return season.rows;
}

/** The date's schedule rows and injury report. */
function openGameDay(season: Season, gameDate: string, games: readonly ScheduledGame[]): GameDay {
  const today = dayNumber(gameDate);
  for (const game of games) {
    season.rows.schedule.push({
      game_id: game.gameId,
      game_code: game.gameCode,
      game_date: gameDate,
      season_year: SEASON_YEAR,
      season_type: game.seasonType,
      home_team_abbr: game.homeTeam,
      away_team_abbr: game.awayTeam,
      home_team_score: game.homeScore,
      away_team_score: game.awayScore,
      game_status: 'final',
    });
  }
  const statuses = new Map<string, string>();
  for (const side of games.flatMap(sidesOf)) {
    for (const player of season.rosters.get(side.team)!)
      statuses.set(player.lookup, drawStatus(player, season.history.status.get(player.lookup), season.random));
  }
  const restOf = (team: string) => {
    const last = season.lastTeamDay.get(team);
    return last === undefined || today - last > 30 ? null : today - last;
  };
  return {
    gameDate,
    today,
    createdAt: `${gameDate}T16:00:00Z`,
    processedAt: `${addDays(gameDate, 1)}T08:00:00Z`,
    statuses,
    restOf,
  };
}

const seasonAverage = (history: SeasonHistory, player: RosterPlayer) =>
  mean(history.games(player.lookup).map((game) => game.points));

/** The books' lines for a side's top scorers who are expected to play real minutes. */
function postSideLines(season: Season, day: GameDay, side: Side): Map<string, BookLine[]> {
  const { history } = season;
  const lined = new Map<string, BookLine[]>();
  const candidates = season.rosters
    .get(side.team)!
    .filter((player) => day.statuses.get(player.lookup) !== 'out' && history.games(player.lookup).length >= 3)
    .filter(
      (player) =>
        mean(
          history
            .games(player.lookup)
            .slice(0, 5)
            .map((game) => game.minutes),
        ) >= 18,
    )
    .sort((a, b) => seasonAverage(history, b) - seasonAverage(history, a) || a.lookup.localeCompare(b.lookup))
    .slice(0, LINES_PER_TEAM);
  for (const player of candidates) {
    const games = history.games(player.lookup);
    const lines = postLines(
      {
        last5: mean(games.slice(0, 5).map((game) => game.points)),
        last10: mean(games.slice(0, 10).map((game) => game.points)),
        season: seasonAverage(history, player),
      },
      season.random,
    );
    lined.set(player.lookup, lines);
    for (const line of lines) {
      for (const [tag, value, snapshot, minutesBefore] of [
        ['opening', line.opening, `${day.gameDate}T15:00:00Z`, 540],
        ['closing', line.closing, `${day.gameDate}T23:00:00Z`, 30],
      ] as const) {
        season.rows.props.push({
          game_id: side.game.gameCode,
          game_date: day.gameDate,
          player_lookup: player.lookup,
          player_name: player.fullName,
          bookmaker: line.bookmaker,
          snapshot_timestamp: snapshot,
          snapshot_tag: tag,
          minutes_before_tipoff: minutesBefore,
          points_line: value,
          over_price: -110,
          under_price: -110,
        });
      }
    }
  }
  return lined;
}

/** A team's three best scorers so far (whose absence the features count). */
function topScorers(season: Season, team: string): RosterPlayer[] {
  return [...season.rosters.get(team)!]
    .sort((a, b) => seasonAverage(season.history, b) - seasonAverage(season.history, a) || a.rank - b.rank)
    .slice(0, 3);
}

interface PreGame {
  /** The player's lines of the date, empty when the books posted none. */
  lines: BookLine[];
  stars: RosterPlayer[];
}

/** What was known about a player before tip-off: the features' inputs. */
function playerContext(season: Season, day: GameDay, side: Side, player: RosterPlayer, { lines, stars }: PreGame) {
  const { history } = season;
  const { today } = day;
  const rosterDays = history.rosterDates.get(player.lookup) ?? [];
  const last7 = rosterDays.filter((rosterDay) => rosterDay >= today - 7);
  const last14 = rosterDays.filter((rosterDay) => rosterDay >= today - 14);
  const daysRest = day.restOf(side.team);
  const context: PlayerDateContext = {
    lookup: player.lookup,
    team: side.team,
    opponent: side.opponent,
    dayNumber: today,
    isHome: side.isHome,
    isPostseason: side.game.seasonType === 'playoffs' || side.game.seasonType === 'play_in',
    daysRest,
    opponentDaysRest: day.restOf(side.opponent),
    backToBack: daysRest === 1,
    gamesLast7Days: last7.length,
    minutesLast7Days: history
      .games(player.lookup)
      .filter((game) => game.dayNumber >= today - 7)
      .reduce((sum, game) => sum + game.minutes, 0),
    backToBacksLast14Days: last14.filter(
      (rosterDay, index) => index + 1 < last14.length && rosterDay - last14[index + 1]! === 1,
    ).length,
    status: day.statuses.get(player.lookup)!,
    starTeammatesOut: stars.filter(
      (star) => star.lookup !== player.lookup && ['out', 'doubtful'].includes(day.statuses.get(star.lookup)!),
    ).length,
    closingLine: lines.length > 0 ? mean(lines.map((line) => line.closing)) : null,
    openingLine: lines.length > 0 ? mean(lines.map((line) => line.opening)) : null,
  };
  return context;
}

/** A rostered player's game-context row and feature-store row, from earlier games only. */
function recordBeforeGame(season: Season, day: GameDay, side: Side, player: RosterPlayer, preGame: PreGame): void {
  const { today, gameDate, createdAt } = day;
  const games = season.history.games(player.lookup);
  const preferred = preGame.lines[0] ?? null;
  const context = playerContext(season, day, side, player, preGame);
  const features = computeFeatures(context, season.history);
  const l10 = games.slice(0, 10);
  const early = today - season.seasonStart < BOOTSTRAP_DAYS;
  season.rows.context.push({
    player_lookup: player.lookup,
    universal_player_id: player.universalId,
    game_id: side.game.gameCode,
    game_date: gameDate,
    team_abbr: side.team,
    opponent_team_abbr: side.opponent,
    home_game: side.isHome,
    days_rest: context.daysRest,
    back_to_back: context.backToBack,
    avg_minutes_per_game_last_7:
      context.gamesLast7Days > 0 ? oneDecimal(context.minutesLast7Days / context.gamesLast7Days) : null,
    player_status: context.status,
    has_prop_line: preferred !== null,
    current_points_line: preferred?.closing ?? null,
    points_avg_last_5: games.length > 0 ? oneDecimal(mean(games.slice(0, 5).map((game) => game.points))) : null,
    points_avg_last_10: games.length > 0 ? oneDecimal(mean(l10.map((game) => game.points))) : null,
    l10_games_used: l10.length,
    season_phase: seasonPhase(gameDate),
    is_production_ready: early || games.length >= 3,
    created_at: createdAt,
  });
  season.rows.features.push({
    player_lookup: player.lookup,
    universal_player_id: player.universalId,
    game_date: gameDate,
    game_id: side.game.gameCode,
    features: features.values,
    feature_names: FEATURE_NAMES,
    feature_count: FEATURE_NAMES.length,
    feature_version: 'v2_33features',
    feature_quality_score: features.qualityScore,
    quality_tier: qualityTier(features.qualityScore),
    feature_sources: features.sources,
    opponent_team_abbr: side.opponent,
    is_home: side.isHome,
    days_rest: context.daysRest,
    data_source: 'local_season',
    early_season_flag: early,
    completeness_percentage:
      Math.round((features.sources.filter((source) => source !== 'default').length / FEATURE_NAMES.length) * 1000) / 10,
    created_at: createdAt,
  });
}

/** A game's box scores, adding up to the real final, and what the history learns from them. */
function playGame(season: Season, day: GameDay, game: ScheduledGame): void {
  const possessions = oneDecimal(99.5 + season.random.normal(0, 3.2));
  const boxes = new Map<string, PlayerLine[]>();
  for (const side of sidesOf(game)) {
    const active = season.rosters
      .get(side.team)!
      .filter((player) => plays(player, day.statuses.get(player.lookup)!, season.random));
    boxes.set(side.team, synthesizeTeamBoxScore(active, side.points, season.random));
  }
  for (const side of sidesOf(game)) {
    recordPlayerLines(season, day, side, boxes.get(side.team)!);
    recordTeamSide(season, day, side, possessions, boxes.get(side.opponent)!);
  }
}

function recordPlayerLines(season: Season, day: GameDay, side: Side, lines: readonly PlayerLine[]): void {
  const { gameDate, today } = day;
  const teamFga = lines.reduce((sum, line) => sum + line.paintAttempts + line.midAttempts + line.threeAttempts, 0);
  const teamFta = lines.reduce((sum, line) => sum + line.ftAttempts, 0);
  for (const line of lines) {
    const fgAttempts = line.paintAttempts + line.midAttempts + line.threeAttempts;
    const usageRate =
      Math.round(
        ((100 * (fgAttempts + 0.44 * line.ftAttempts) * 48) / (line.minutes * (teamFga + 0.44 * teamFta))) * 100,
      ) / 100;
    season.rows.playerGames.push({
      player_lookup: line.player.lookup,
      universal_player_id: line.player.universalId,
      player_full_name: line.player.fullName,
      game_id: side.game.gameCode,
      game_date: gameDate,
      team_abbr: side.team,
      opponent_team_abbr: side.opponent,
      is_home: side.isHome,
      season_year: SEASON_YEAR,
      points: line.points,
      minutes_played: line.minutes,
      fg_attempts: fgAttempts,
      fg_makes: line.paintMakes + line.midMakes + line.threeMakes,
      three_pt_attempts: line.threeAttempts,
      three_pt_makes: line.threeMakes,
      ft_attempts: line.ftAttempts,
      ft_makes: line.ftMakes,
      paint_attempts: line.paintAttempts,
      paint_makes: line.paintMakes,
      mid_range_attempts: line.midAttempts,
      mid_range_makes: line.midMakes,
      usage_rate: usageRate,
      is_active: true,
      processed_at: day.processedAt,
    });
    season.history.recordPlayed(line.player.lookup, {
      gameDate,
      dayNumber: today,
      opponent: side.opponent,
      points: line.points,
      minutes: line.minutes,
      ftMakes: line.ftMakes,
      paintAttempts: line.paintAttempts,
      midAttempts: line.midAttempts,
      threeAttempts: line.threeAttempts,
      fgAttempts,
      usageRate,
    });
  }
  for (const player of season.rosters.get(side.team)!) season.history.recordRosterDate(player.lookup, today);
}

function recordTeamSide(
  season: Season,
  day: GameDay,
  side: Side,
  possessions: number,
  opponentLines: readonly PlayerLine[],
): void {
  const { game } = side;
  const opponentPoints = side.isHome ? game.awayScore : game.homeScore;
  const offensiveRating = Math.round((10_000 * side.points) / possessions) / 100;
  const defensiveRating = Math.round((10_000 * opponentPoints) / possessions) / 100;
  season.rows.teamGames.push({
    game_id: game.gameCode,
    game_date: day.gameDate,
    team_abbr: side.team,
    opponent_team_abbr: side.opponent,
    season_year: SEASON_YEAR,
    points: side.points,
    opponent_points: opponentPoints,
    possessions,
    pace: possessions,
    offensive_rating: offensiveRating,
    defensive_rating: defensiveRating,
    win_flag: side.points > opponentPoints,
    processed_at: day.processedAt,
  });
  season.history.recordTeamGame(side.team, {
    gameDate: day.gameDate,
    dayNumber: day.today,
    pace: possessions,
    offensiveRating,
    defensiveRating,
    won: side.points > opponentPoints,
    allowed: zoneTotals(opponentLines),
  });
  season.lastTeamDay.set(side.team, day.today);
}

import { ServiceError, errorMessage } from '@props/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { playerLookup } from './player-lookup';

export type SeasonType = 'regular' | 'play_in' | 'playoffs' | 'cup_final';

export interface ScheduledGame {
  gameId: string;
  /** YYYYMMDD_AWAY_HOME, the key of the box-score tables. */
  gameCode: string;
  gameDate: string;
  seasonType: SeasonType;
  homeTeam: string;
  awayTeam: string;
  homeScore: number;
  awayScore: number;
}

export interface IndexedPlayer {
  personId: number;
  fullName: string;
  lookup: string;
  team: string;
  position: string;
  draftNumber: number | null;
  fromYear: number;
}

export class SampleDataError extends ServiceError {
  override readonly name = 'SampleDataError';
  constructor(message: string) {
    super('invalid_sample_data', message);
  }
}

function readJson(path: string): unknown {
  try {
    const bytes = readFileSync(path);
    return JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (error) {
    throw new SampleDataError(`cannot read sample ${path}: ${errorMessage(error)}`);
  }
}

const SEASON_TYPES: Record<string, SeasonType> = {
  '002': 'regular',
  '004': 'playoffs',
  '005': 'play_in',
  '006': 'cup_final',
};

/** The real 2024-25 schedule with final scores: regular season, play-in, Cup final and playoffs (not pre-season or All-Star). */
export function readSchedule(samplesDir: string): ScheduledGame[] {
  const document = readJson(join(samplesDir, 'schedule_2024_25_nbacom.json.gz')) as {
    leagueSchedule?: { gameDates?: { games: Record<string, unknown>[] }[] };
  };
  const dates = document.leagueSchedule?.gameDates;
  if (!Array.isArray(dates))
    throw new SampleDataError('schedule_2024_25_nbacom.json.gz: leagueSchedule.gameDates is missing');
  const games: ScheduledGame[] = [];
  for (const game of dates.flatMap((date) => date.games)) {
    const gameId = String(game.gameId);
    const seasonType = SEASON_TYPES[gameId.slice(0, 3)];
    if (!seasonType || game.gameStatus !== 3) continue;
    const home = game.homeTeam as { teamTricode: string; score: number };
    const away = game.awayTeam as { teamTricode: string; score: number };
    const gameDate = String(game.gameDateEst).slice(0, 10);
    games.push({
      gameId,
      gameCode: `${gameDate.replaceAll('-', '')}_${away.teamTricode}_${home.teamTricode}`,
      gameDate,
      seasonType,
      homeTeam: home.teamTricode,
      awayTeam: away.teamTricode,
      homeScore: home.score,
      awayScore: away.score,
    });
  }
  return games.sort((a, b) => a.gameDate.localeCompare(b.gameDate) || a.gameId.localeCompare(b.gameId));
}

/** The real player index (names, teams, positions) the rosters are drawn from. */
export function readPlayerIndex(samplesDir: string): IndexedPlayer[] {
  const document = readJson(join(samplesDir, 'player_index_2025_26_nbacom.json')) as {
    resultSets?: { headers: string[]; rowSet: unknown[][] }[];
  };
  const set = document.resultSets?.[0];
  if (!set) throw new SampleDataError('player_index_2025_26_nbacom.json: resultSets[0] is missing');
  const column = (name: string) => set.headers.indexOf(name);
  const [id, last, first, team, position, draft, from] = [
    'PERSON_ID',
    'PLAYER_LAST_NAME',
    'PLAYER_FIRST_NAME',
    'TEAM_ABBREVIATION',
    'POSITION',
    'DRAFT_NUMBER',
    'FROM_YEAR',
  ].map(column);
  return set.rowSet
    .map((row) => {
      const fullName = `${row[first!]} ${row[last!]}`.trim();
      return {
        personId: Number(row[id!]),
        fullName,
        lookup: playerLookup(fullName),
        team: String(row[team!]),
        position: String(row[position!] ?? ''),
        draftNumber: row[draft!] === null ? null : Number(row[draft!]),
        fromYear: Number(row[from!]),
      };
    })
    .filter((player) => player.team.length === 3 && player.lookup.length > 0);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One player's line in one game, reduced to what calibration compares. */
export interface PlayedLine {
  gameId: string;
  minutes: number;
  points: number;
}

export interface Distribution {
  games: number;
  playersPerGame: number;
  fifteenMinutePlayersPerGame: number;
  minutesMean: number;
  pointsMean: number;
  pointsMedian: number;
  pointsSd: number;
  pointsP75: number;
  pointsP90: number;
  zeroShare: number;
  fifteenMinutePointsMean: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (position - low);
}

/** Distribution of the players who played (minutes > 0). */
export function distributionOf(lines: readonly PlayedLine[]): Distribution {
  const played = lines.filter((line) => line.minutes > 0);
  const points = played.map((line) => line.points).sort((a, b) => a - b);
  const mean = points.reduce((a, b) => a + b, 0) / points.length;
  const games = new Set(played.map((line) => line.gameId)).size;
  const fifteen = played.filter((line) => line.minutes >= 15);
  return {
    games,
    playersPerGame: played.length / games,
    fifteenMinutePlayersPerGame: fifteen.length / games,
    minutesMean: played.reduce((sum, line) => sum + line.minutes, 0) / played.length,
    pointsMean: mean,
    pointsMedian: quantile(points, 0.5),
    pointsSd: Math.sqrt(points.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (points.length - 1)),
    pointsP75: quantile(points, 0.75),
    pointsP90: quantile(points, 0.9),
    zeroShare: points.filter((value) => value === 0).length / points.length,
    fifteenMinutePointsMean: fifteen.reduce((sum, line) => sum + line.points, 0) / fifteen.length,
  };
}

/** The three real slates in data/nba-samples: two balldontlie box-score files and one NBA.com game log. */
export function realSlateLines(samplesDir: string): PlayedLine[] {
  const lines: PlayedLine[] = [];
  for (const file of ['box_scores_2024-01-15_balldontlie.json', 'box_scores_2026-01-09_balldontlie.json']) {
    const document = JSON.parse(readFileSync(join(samplesDir, file), 'utf8')) as {
      data: {
        date: string;
        home_team: { abbreviation: string; players: { min: string; pts: number }[] };
        visitor_team: { abbreviation: string; players: { min: string; pts: number }[] };
      }[];
    };
    for (const game of document.data) {
      const gameId = `${game.date}_${game.visitor_team.abbreviation}_${game.home_team.abbreviation}`;
      for (const player of [...game.home_team.players, ...game.visitor_team.players]) {
        lines.push({ gameId, minutes: Number.parseInt(player.min || '0', 10) || 0, points: player.pts ?? 0 });
      }
    }
  }
  const log = JSON.parse(readFileSync(join(samplesDir, 'player_game_log_2025-03-15_nbacom.json'), 'utf8')) as {
    resultSets: { headers: string[]; rowSet: unknown[][] }[];
  };
  const set = log.resultSets[0]!;
  const [gameColumn, minutesColumn, pointsColumn] = ['GAME_ID', 'MIN', 'PTS'].map((name) => set.headers.indexOf(name));
  for (const row of set.rowSet)
    lines.push({
      gameId: String(row[gameColumn!]),
      minutes: Number(row[minutesColumn!]),
      points: Number(row[pointsColumn!]),
    });
  return lines;
}

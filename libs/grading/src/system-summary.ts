import type { GradedPrediction } from './grade-prediction';

export interface ConfidenceBucket {
  decile: number;
  picks: number;
  wins: number;
  hitRate: number | null;
}

/** One system's results for a date: picks are OVER/UNDER calls of players who played. */
export interface SystemSummary {
  systemId: string;
  graded: number;
  picks: number;
  wins: number;
  losses: number;
  pushes: number;
  voided: number;
  hitRate: number | null;
  mae: number | null;
  bias: number | null;
  byConfidence: ConfidenceBucket[];
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

export function summarizeBySystem(rows: readonly GradedPrediction[]): SystemSummary[] {
  const systems = [...new Set(rows.map((row) => row.systemId))].sort();
  return systems.map((systemId) => {
    const mine = rows.filter((row) => row.systemId === systemId);
    const played = mine.filter((row) => !row.isVoided);
    const picks = played.filter((row) => row.recommendation === 'OVER' || row.recommendation === 'UNDER');
    const wins = picks.filter((row) => row.predictionCorrect === true).length;
    const losses = picks.filter((row) => row.predictionCorrect === false).length;
    const deciles = [...new Set(picks.map((row) => row.confidenceDecile))].sort((a, b) => a - b);
    return {
      systemId,
      graded: mine.length,
      picks: picks.length,
      wins,
      losses,
      pushes: picks.filter((row) => row.isPush).length,
      voided: mine.length - played.length,
      hitRate: wins + losses === 0 ? null : wins / (wins + losses),
      mae: mean(played.map((row) => row.absoluteError)),
      bias: mean(played.map((row) => row.signedError)),
      byConfidence: deciles.map((decile) => {
        const bucket = picks.filter((row) => row.confidenceDecile === decile);
        const bucketWins = bucket.filter((row) => row.predictionCorrect === true).length;
        const decided = bucket.filter((row) => row.predictionCorrect !== null).length;
        return { decile, picks: bucket.length, wins: bucketWins, hitRate: decided === 0 ? null : bucketWins / decided };
      }),
    };
  });
}

import type { GradedPrediction } from './grade-prediction';

const rate = (numerator: number, denominator: number) =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 1000;
const mean = (values: readonly number[]) =>
  values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000;

/**
 * The original's `system_daily_performance` rows for one date (`original-data.md` §1.10): every
 * graded row counts, voided ones included; win rates divide by the OVER and UNDER calls, so pushes
 * stay in the denominator; high confidence means 0.70 or more; rates at 3 dp.
 */
export function dailyPerformanceRows(
  rows: readonly GradedPrediction[],
  gameDate: string,
  computedAt: string,
): Record<string, unknown>[] {
  const systems = [...new Set(rows.map((row) => row.systemId))].sort();
  return systems.map((systemId) => {
    const mine = rows.filter((row) => row.systemId === systemId);
    const over = mine.filter((row) => row.recommendation === 'OVER');
    const under = mine.filter((row) => row.recommendation === 'UNDER');
    const calls = [...over, ...under];
    const correct = (picked: readonly GradedPrediction[]) =>
      picked.filter((row) => row.predictionCorrect === true).length;
    const high = calls.filter((row) => row.confidenceScore >= 0.7);
    const within3 = mine.filter((row) => row.withinThree).length;
    const within5 = mine.filter((row) => row.withinFive).length;
    return {
      game_date: gameDate,
      system_id: systemId,
      predictions_count: mine.length,
      recommendations_count: calls.length,
      correct_count: correct(calls),
      incorrect_count: calls.filter((row) => row.predictionCorrect === false).length,
      pass_count: mine.filter((row) => row.recommendation === 'PASS').length,
      win_rate: rate(correct(calls), calls.length),
      mae: mean(mine.map((row) => row.absoluteError)),
      avg_bias: mean(mine.map((row) => row.signedError)),
      over_count: over.length,
      over_correct: correct(over),
      over_win_rate: rate(correct(over), over.length),
      under_count: under.length,
      under_correct: correct(under),
      under_win_rate: rate(correct(under), under.length),
      within_3_count: within3,
      within_3_pct: rate(within3, mine.length),
      within_5_count: within5,
      within_5_pct: rate(within5, mine.length),
      avg_confidence: mean(mine.map((row) => row.confidenceScore)),
      high_confidence_count: high.length,
      high_confidence_correct: correct(high),
      high_confidence_win_rate: rate(correct(high), high.length),
      computed_at: computedAt,
    };
  });
}

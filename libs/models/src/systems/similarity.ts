import { SYSTEM_IDS } from '@props/contracts';
import type { HistoricalGame } from '@props/contracts';
import { clamp, populationStd, roundHalfEven } from '../python-round';
import type { PredictionInput, PredictionSystem, SystemOutcome } from './prediction-system';

type Tier = 0 | 1 | 2;
type Rest = 0 | 1 | 2 | 3;
type Form = 'hot' | 'normal' | 'cold';
interface GameContext {
  tier: Tier;
  rest: Rest;
  home: boolean;
  form: Form;
}

const DAY_MS = 86_400_000;
const tierOf = (rating: number | null): Tier => (rating === null ? 1 : rating < 110 ? 0 : rating < 115 ? 1 : 2);
const restOf = (daysRest: number): Rest => (daysRest <= 0 ? 0 : daysRest === 1 ? 1 : daysRest === 2 ? 2 : 3);
const formOf = (recentMinusSeason: number): Form =>
  recentMinusSeason >= 3 ? 'hot' : recentMinusSeason <= -3 ? 'cold' : 'normal';
const daysBetweenTimes = (earlier: number, later: number) => Math.round((later - earlier) / DAY_MS) - 1;
const daysBetween = (earlier: string, later: string) => daysBetweenTimes(Date.parse(earlier), Date.parse(later));
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Each past game's own context, from information available before it: the opponent's defence,
 * the rest since the previous game, the venue, and the form over the five games before it.
 * (The original used constants for tier and venue and look-ahead form and rest.)
 */
function historyContexts(history: readonly HistoricalGame[]): GameContext[] {
  // One pass: the running total gives the mean of every earlier game (added in the same order as
  // a fresh sum would be, so the same value), the last five come from a fixed window.
  let totalBefore = 0;
  // Each date parsed once, not once as a game and again as the next one's previous game.
  const times = history.map((game) => Date.parse(game.game_date));
  return history.map((game, index) => {
    const lastFive = history.slice(Math.max(0, index - 5), index).map((earlier) => earlier.points);
    const form = index >= 5 ? formOf(mean(lastFive) - totalBefore / index) : 'normal';
    totalBefore += game.points;
    return {
      tier: tierOf(game.opponent_def_rating),
      rest: restOf(index > 0 ? daysBetweenTimes(times[index - 1]!, times[index]!) : 1),
      home: game.is_home,
      form,
    };
  });
}

function similarity(current: GameContext, past: GameContext): number {
  const tierScore = current.tier === past.tier ? 40 : Math.abs(current.tier - past.tier) === 1 ? 20 : 0;
  const restScore = current.rest === past.rest ? 30 : Math.abs(current.rest - past.rest) === 1 ? 15 : 0;
  const venueScore = current.home === past.home ? 15 : 0;
  const formScore = current.form === past.form ? 15 : 5;
  return tierScore + restScore + venueScore + formScore;
}

/** The recalibrated confidence of 0c82ae50 (base 35), on 0-100. */
function confidenceOf(count: number, meanScore: number, spread: number): number {
  let confidence = 35;
  confidence += count >= 15 ? 12 : count >= 10 ? 9 : count >= 7 ? 6 : count >= 5 ? -10 : -15;
  confidence += meanScore >= 85 ? 12 : meanScore >= 75 ? 9 : meanScore >= 70 ? 6 : 3;
  confidence += spread < 4 ? 10 : spread < 6 ? 6 : spread < 8 ? 2 : -5;
  return clamp(confidence, 0, 100);
}

/** `similarity_balanced_v1`: a weighted average of the player's most similar past games. */
export class SimilaritySystem implements PredictionSystem {
  readonly systemId = SYSTEM_IDS.similarity;
  readonly modelVersion = SYSTEM_IDS.similarity;

  async predictBatch(inputs: readonly PredictionInput[]): Promise<SystemOutcome[]> {
    return inputs.map((input) => this.predict(input));
  }

  predict({ features, history, gameDate, isHome, line }: PredictionInput): SystemOutcome {
    const past = history.filter((game) => game.game_date < gameDate);
    const last = past.at(-1);
    const current: GameContext = {
      tier: tierOf(features.get('opponent_def_rating')),
      rest: restOf(last ? daysBetween(last.game_date, gameDate) : features.get('back_to_back') === 1 ? 0 : 1),
      home: isHome,
      form: formOf(features.get('points_avg_last_5') - features.get('points_avg_season')),
    };
    const contexts = historyContexts(past);
    const matches = past
      .map((game, index) => ({ game, score: similarity(current, contexts[index]!) }))
      .filter((match) => match.score >= 70)
      .sort((a, b) => b.score - a.score)
      .slice(0, 20);
    if (matches.length < 5)
      return { systemId: this.systemId, skipped: `insufficient similar games (found ${matches.length}, need 5)` };
    const weight = matches.reduce((sum, match) => sum + match.score / 100, 0);
    const baseline = matches.reduce((sum, match) => sum + (match.game.points * match.score) / 100, 0) / weight;
    // As the original: the total is the rounded sum of the unrounded terms; each term is reported rounded.
    const terms = {
      fatigue: (features.get('fatigue_score') - 70) * 0.015,
      zone_matchup: 0.4 * features.get('shot_zone_mismatch_score'),
      pace: 0.8 * features.get('pace_score'),
      usage: 0.8 * features.get('usage_spike_score'),
      venue: isHome ? 0.8 : -0.5,
    };
    const total = roundHalfEven(
      Object.values(terms).reduce((sum, value) => sum + value, 0),
      2,
    );
    const adjustments = Object.fromEntries(
      Object.entries(terms).map(([name, value]) => [name, roundHalfEven(value, 2)]),
    ) as Record<keyof typeof terms, number>;
    const predicted = clamp(baseline + total, 0, 60);
    const meanScore = mean(matches.map((match) => match.score));
    const confidence = confidenceOf(
      matches.length,
      meanScore,
      populationStd(matches.map((match) => match.game.points)),
    );
    const edge = line === null ? 0 : predicted - line;
    const recommendation =
      line === null ? 'NO_LINE' : confidence < 65 ? 'PASS' : edge >= 2 ? 'OVER' : edge <= -2 ? 'UNDER' : 'PASS';
    return {
      systemId: this.systemId,
      modelVersion: this.modelVersion,
      predictedPoints: predicted,
      confidence: confidence / 100,
      recommendation,
      details: {
        similar_games_count: matches.length,
        avg_similarity_score: meanScore,
        baseline_from_similar: baseline,
        adjustments: { ...adjustments, total },
      },
    };
  }
}

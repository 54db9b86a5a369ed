import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PredictionRequest } from '@props/contracts';
import { FeatureVector } from '@props/feature-vector';
import { roundHalfEven } from '../python-round';
import { isPrediction } from './prediction-system';
import { SimilaritySystem } from './similarity';

/**
 * The original's own similarity_balanced_v1 (0c82ae50), run by
 * tools/models/original-reference on the requests this project forms for five dates of the
 * seeded season (every selected player), each past game given the context known before it.
 */
interface ReferenceCase {
  request: PredictionRequest;
  original: {
    predicted_points: number | null;
    confidence_score: number;
    recommendation: string;
    similar_games_count: number;
    avg_similarity_score: number | null;
  };
}
const reference = JSON.parse(
  gunzipSync(readFileSync(join(import.meta.dirname, '../../test-fixtures/original-similarity.json.gz'))).toString(),
) as { cases: ReferenceCase[] };

/** Ours on one request, as predictPlayers builds the input, in the original's output terms. */
function ours(request: PredictionRequest) {
  const features = new FeatureVector(
    request.features.values,
    request.features.feature_version,
    request.features.quality_score,
  );
  const outcome = new SimilaritySystem().predict({
    playerLookup: request.player_lookup,
    gameDate: request.game_date,
    isHome: request.is_home,
    features,
    history: request.history,
    line: request.line_values[0] ?? null,
  });
  if (!isPrediction(outcome)) {
    const found = /found (\d+)/.exec(outcome.skipped);
    return { predicted_points: null, similar_games_count: found ? Number(found[1]) : -1 };
  }
  const details = outcome.details as { similar_games_count: number; avg_similarity_score: number };
  return {
    predicted_points: roundHalfEven(outcome.predictedPoints, 2),
    confidence_score: roundHalfEven(outcome.confidence * 100, 2),
    recommendation: outcome.recommendation,
    similar_games_count: details.similar_games_count,
    avg_similarity_score: roundHalfEven(details.avg_similarity_score, 2),
  };
}

describe("similarity_balanced_v1 against the original's code on the seeded season's requests", () => {
  it('covers five dates, every selected player, most of whom the original predicts', () => {
    const dates = new Set(reference.cases.map((c) => c.request.game_date));
    expect(dates.size).toBe(5);
    expect(reference.cases.length).toBeGreaterThan(800);
  });

  it('writes a row exactly where the original does, with its figures', () => {
    const mismatches: string[] = [];
    for (const { request, original } of reference.cases) {
      const expected =
        original.predicted_points === null
          ? { predicted_points: null, similar_games_count: original.similar_games_count }
          : {
              predicted_points: original.predicted_points,
              confidence_score: original.confidence_score,
              recommendation: original.recommendation,
              similar_games_count: original.similar_games_count,
              avg_similarity_score: original.avg_similarity_score,
            };
      const actual = ours(request);
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        mismatches.push(
          `${request.game_date} ${request.player_lookup}: ours ${JSON.stringify(actual)}, original ${JSON.stringify(expected)}`,
        );
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    const written = reference.cases.filter((c) => c.original.predicted_points !== null).length;
    expect(written).toBe(784);
  });

  it('no longer scores every match at exactly the threshold', () => {
    const scores = reference.cases.flatMap(({ request }) => {
      const result = ours(request);
      return 'avg_similarity_score' in result ? [result.avg_similarity_score] : [];
    });
    expect(new Set(scores).size).toBeGreaterThan(50);
    expect(scores.filter((score) => score === 70).length).toBeLessThan(scores.length / 10);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PredictionRequest } from '@props/contracts';
import { INVALID_FEATURES, invalidFeatures } from './feature-gate';

/** What the original's own validate_features said of each request (tools/models/original-similarity). */
const reference = JSON.parse(
  gunzipSync(readFileSync(join(import.meta.dirname, '../../test-fixtures/original-similarity.json.gz'))).toString(),
) as { cases: Array<{ request: PredictionRequest; validate_features: { valid: boolean; errors: string[] } }> };

describe("the feature gate against the original's validate_features", () => {
  it('refuses exactly the requests the original refuses, naming the same fields and values', () => {
    const differences = reference.cases.flatMap(({ request, validate_features: original }) => {
      const ours = invalidFeatures(request);
      const theirs = original.valid ? null : original.errors.join('; ').replaceAll(' outside range [', ' outside [');
      return ours === theirs ? [] : [`${request.game_date} ${request.player_lookup}: ours ${ours}, original ${theirs}`];
    });
    expect(differences).toEqual([]);
    expect(reference.cases.filter((c) => !c.validate_features.valid).length).toBe(15);
  });

  it('on 2025-03-15 refuses the eight players facing a defensive rating of 125.17', () => {
    const refused = reference.cases
      .filter(({ request }) => request.game_date === '2025-03-15')
      .flatMap(({ request }) => {
        const reason = invalidFeatures(request);
        return reason === null ? [] : [`${request.player_lookup} ${INVALID_FEATURES}: ${reason}`];
      });
    expect(refused).toHaveLength(8);
    expect(refused[0]).toBe('dejountemurray invalid_features: opponent_def_rating=125.17 outside [95, 125]');
  });

  it('checks the quality floor first, then nulls among the 25 base features, then every range', () => {
    const request = reference.cases[0]!.request;
    const withValues = (changes: Record<number, number | null>, quality = 80): PredictionRequest => ({
      ...request,
      features: {
        ...request.features,
        quality_score: quality,
        values: request.features.values.map((value, index) => (index in changes ? changes[index]! : value)),
      },
    });
    expect(invalidFeatures(withValues({ 13: 130 }, 49.5))).toBe('feature_quality_score 49.5 is under the floor of 50');
    expect(invalidFeatures(withValues({ 7: null, 13: 130 }))).toBe('pace_score is None');
    expect(invalidFeatures(withValues({ 2: 61, 13: 94 }))).toBe(
      'points_avg_season=61.0 outside [0, 60]; opponent_def_rating=94.0 outside [95, 125]',
    );
    // The eight V8 features are not checked, as in the original.
    expect(invalidFeatures(withValues({ 32: null, 25: 999 }))).toBeNull();
  });
});

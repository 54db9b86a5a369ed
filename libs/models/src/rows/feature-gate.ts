import { INVALID_FEATURES, type PredictionRequest } from '@props/contracts';
import { FEATURE_NAMES, type FeatureName } from '@props/feature-vector';

/**
 * The original's floor (`validate_features(min_quality_score=50)`): a player whose stored features
 * score under it is not predicted.
 */
export const MIN_FEATURE_QUALITY = 50;
export { INVALID_FEATURES };

/** The 25 base features the original requires to be present and not null (data_loaders.py:876-913). */
const BASE_FEATURES = FEATURE_NAMES.slice(0, 25);

/**
 * The original's inclusive ranges (validate_features, data_loaders.py:942-951). The eight V8
 * features are not checked, as in the original.
 */
export const FEATURE_RANGES: ReadonlyArray<readonly [FeatureName, number, number]> = [
  ['points_avg_season', 0, 60],
  ['points_avg_last_5', 0, 80],
  ['points_avg_last_10', 0, 80],
  ['fatigue_score', 0, 100],
  ['opponent_def_rating', 95, 125],
  ['home_away', 0, 1],
  ['back_to_back', 0, 1],
  ['playoff_game', 0, 1],
];

/** Each range's feature with its index in the vector, looked up once rather than per request. */
const INDEXED_RANGES = FEATURE_RANGES.map(
  ([name, low, high]) => [name, FEATURE_NAMES.indexOf(name), low, high] as const,
);

/** A number as Python's str() writes a float: 126.0, 125.17. */
const pythonFloat = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * Why the original's `validate_features` would refuse the request's stored features, or null: the
 * quality floor, then a missing base feature, then every value outside its range, in the
 * original's order (`opponent_def_rating=125.17 outside [95, 125]`; the original adds 'range').
 */
export function invalidFeatures(request: PredictionRequest): string | null {
  const { quality_score: quality, values } = request.features;
  if (quality < MIN_FEATURE_QUALITY)
    return `feature_quality_score ${quality} is under the floor of ${MIN_FEATURE_QUALITY}`;
  const missing = BASE_FEATURES.filter((_, index) => values[index] === null || values[index] === undefined);
  if (missing.length > 0) return missing.map((name) => `${name} is None`).join('; ');
  const outside = INDEXED_RANGES.flatMap(([name, index, low, high]) => {
    const value = values[index];
    return value !== null && value !== undefined && (value < low || value > high)
      ? [`${name}=${pythonFloat(value)} outside [${low}, ${high}]`]
      : [];
  });
  return outside.length > 0 ? outside.join('; ') : null;
}

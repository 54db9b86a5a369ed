import { FEATURE_DEFAULTS, FEATURE_NAMES, type FeatureName } from './feature-names';

export const FEATURE_VERSION = 'v2_33features';

export class FeatureVectorError extends Error {
  override readonly name = 'FeatureVectorError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`features.${field}: ${problem}`);
  }
}

const INDEX = new Map<string, number>(FEATURE_NAMES.map((name, index) => [name, index]));

/**
 * A validated v2_33features vector. Stored values are used as they are; a missing one (null) is
 * imputed from FEATURE_DEFAULTS, and `imputed` says which were.
 */
export class FeatureVector {
  readonly imputed: readonly FeatureName[];
  private readonly values: readonly number[];

  constructor(
    stored: ReadonlyArray<number | null>,
    readonly featureVersion: string,
    readonly qualityScore: number,
  ) {
    if (featureVersion !== FEATURE_VERSION)
      throw new FeatureVectorError('feature_version', `expected '${FEATURE_VERSION}', got '${featureVersion}'`);
    if (stored.length !== FEATURE_NAMES.length)
      throw new FeatureVectorError(
        'values',
        `expected ${FEATURE_NAMES.length} values in v2_33features order, got ${stored.length}`,
      );
    if (!Number.isFinite(qualityScore) || qualityScore < 0 || qualityScore > 100)
      throw new FeatureVectorError('quality_score', `expected 0-100, got ${qualityScore}`);
    stored.forEach((value, index) => {
      if (value !== null && !Number.isFinite(value))
        throw new FeatureVectorError(FEATURE_NAMES[index]!, `expected a finite number or null, got ${value}`);
    });
    const season = stored[INDEX.get('points_avg_season')!] ?? (FEATURE_DEFAULTS.points_avg_season as number);
    const imputed: FeatureName[] = [];
    this.values = stored.map((value, index) => {
      if (value !== null) return value;
      const name = FEATURE_NAMES[index]!;
      imputed.push(name);
      const fallback = FEATURE_DEFAULTS[name];
      return fallback === 'season' ? season : fallback;
    });
    this.imputed = imputed;
  }

  get(name: FeatureName): number {
    return this.values[INDEX.get(name)!]!;
  }

  /** The first `count` values in model order (XGBoost reads 25, CatBoost 33). */
  slice(count: number): number[] {
    return this.values.slice(0, count);
  }
}

export { FEATURE_NAMES, FEATURE_DEFAULTS, type FeatureName } from './feature-names';
export { FeatureVector, FeatureVectorError, FEATURE_VERSION } from './feature-vector';

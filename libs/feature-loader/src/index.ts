export { FEATURE_NAMES, FEATURE_DEFAULTS, type FeatureName } from './feature-names';
export { FeatureVector, FeatureVectorError, FEATURE_VERSION } from './feature-vector';
export {
  HISTORY_DAYS,
  HISTORY_GAMES,
  type SlateSource,
  type SlateQueryResult,
  type StoredPlayerRow,
} from './slate-source';
export {
  loadSlate,
  SlateLoadError,
  SlateTimeoutError,
  UnknownGameDateError,
  NoGamesOnDateError,
  type SlateLoad,
  type LoadedPlayer,
  type LoadSlateOptions,
} from './load-slate';
export { DuckdbSlateSource } from './local/duckdb-slate-source';
export { BigQuerySlateSource, type BigQuerySlateOptions } from './gcp/bigquery-slate-source';

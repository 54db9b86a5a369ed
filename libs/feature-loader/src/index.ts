export type { SlateSource } from './slate-source';
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
export { DuckdbRangeSlateSource } from './local/duckdb-range-slate-source';
export { BigQuerySlateSource } from './gcp/bigquery-slate-source';

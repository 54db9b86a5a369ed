import * as z from 'zod';

/** What a dataset prefix may be: it becomes part of BigQuery dataset and DuckDB schema names (P_nba_predictions). */
export const DATASET_PREFIX_PATTERN = /^[A-Za-z0-9_]{0,64}$/;

/** A dataset prefix in a request, a message or the environment; '' is production. */
export const DatasetPrefixSchema = z
  .string()
  .regex(DATASET_PREFIX_PATTERN, 'expected up to 64 letters, digits and underscores')
  .default('');

import * as z from 'zod';
import { ServiceError } from './service-error';

/** What a dataset prefix may be: it becomes part of BigQuery dataset and DuckDB schema names (P_nba_predictions). */
export const DATASET_PREFIX_PATTERN = /^[A-Za-z0-9_]{0,64}$/;

/** A dataset prefix in a request, a message or the environment; '' is production. */
export const DatasetPrefixSchema = z
  .string()
  .regex(DATASET_PREFIX_PATTERN, 'expected up to 64 letters, digits and underscores')
  .default('');

export class DatasetPrefixError extends ServiceError {
  override readonly name = 'DatasetPrefixError';
  /** What is wrong with the value, without the field's name (a caller may name it its own way). */
  constructor(readonly problem: string) {
    super('invalid_dataset_prefix', `dataset_prefix: ${problem}`);
  }
}

/** Validates a `dataset_prefix` (test isolation: P turns nba_X into P_nba_X): letters, digits and underscores only. */
export function validateDatasetPrefix(prefix: string): string {
  if (!DATASET_PREFIX_PATTERN.test(prefix))
    throw new DatasetPrefixError(
      `expected letters, digits and underscores only (at most 64), got ${JSON.stringify(prefix)}`,
    );
  return prefix;
}

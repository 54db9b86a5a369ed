import { DATASET_PREFIX_PATTERN, ServiceError } from '@props/contracts';
import type { TableDefinition } from './tables/table-definition';

export class DatasetPrefixError extends ServiceError {
  override readonly name = 'DatasetPrefixError';
  constructor(message: string) {
    super('invalid_dataset_prefix', message);
  }
}

/** Validates a `dataset_prefix` (test isolation: P turns nba_X into P_nba_X): letters, digits and underscores only. */
export function validateDatasetPrefix(prefix: string): string {
  if (!DATASET_PREFIX_PATTERN.test(prefix)) {
    throw new DatasetPrefixError(
      `dataset_prefix: expected letters, digits and underscores only (at most 64), got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/** The dataset (BigQuery) or schema (DuckDB) name of a table under an optional prefix. */
export function datasetName(table: Pick<TableDefinition, 'dataset'>, prefix = ''): string {
  return validateDatasetPrefix(prefix) ? `${prefix}_${table.dataset}` : table.dataset;
}

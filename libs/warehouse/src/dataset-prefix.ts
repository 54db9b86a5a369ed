import { DATASET_PREFIX_PATTERN, ServiceError } from '@props/contracts';
import type { TableDefinition } from './tables/table-definition';

export class DatasetPrefixError extends ServiceError {
  override readonly name = 'DatasetPrefixError';
  /** What is wrong with the value, without the field's name (a caller may name it its own way). */
  constructor(readonly problem: string) {
    super('invalid_dataset_prefix', `dataset_prefix: ${problem}`);
  }
}

/** Validates a `dataset_prefix` (test isolation: P turns nba_X into P_nba_X): letters, digits and underscores only. */
export function validateDatasetPrefix(prefix: string): string {
  if (!DATASET_PREFIX_PATTERN.test(prefix)) {
    throw new DatasetPrefixError(
      `expected letters, digits and underscores only (at most 64), got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/** The dataset (BigQuery) or schema (DuckDB) name of a table under an optional prefix. */
export function datasetName(table: Pick<TableDefinition, 'dataset'>, prefix = ''): string {
  return validateDatasetPrefix(prefix) ? `${prefix}_${table.dataset}` : table.dataset;
}

import { validateDatasetPrefix } from '@props/contracts';
import type { TableDefinition } from './tables/table-definition';

/** The dataset (BigQuery) or schema (DuckDB) name of a table under an optional prefix. */
export function datasetName(table: Pick<TableDefinition, 'dataset'>, prefix = ''): string {
  return validateDatasetPrefix(prefix) ? `${prefix}_${table.dataset}` : table.dataset;
}

import type { BigQuery } from '@google-cloud/bigquery';
import { datasetName } from '../dataset-prefix';
import { renderBigQuerySchema } from '../render-bigquery-schema';
import { WarehouseSchemaError, columnsMissingFrom } from '../local/warehouse-schema';
import type { TableDefinition } from '../tables/table-definition';

/** BigQuery's legacy and standard names for one type (tables.get answers the legacy ones). */
const SAME_TYPE: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' };

/** A column's type as BigQuery names it in a table's schema. */
export const bigQueryTypeOf = (column: TableDefinition['columns'][number]) =>
  renderBigQuerySchema({ dataset: 'nba_raw', name: 'x', description: '', key: [], columns: [column] })[0]!.type;

/** The live table's columns (name → standard type name), or null when it does not exist. */
export async function liveBigQueryColumns(
  client: BigQuery,
  table: TableDefinition,
  prefix = '',
): Promise<Map<string, string> | null> {
  try {
    const [metadata] = await client.dataset(datasetName(table, prefix)).table(table.name).getMetadata();
    const fields = (metadata as { schema?: { fields?: { name: string; type: string }[] } }).schema?.fields ?? [];
    return new Map(fields.map((field) => [field.name, SAME_TYPE[field.type] ?? field.type]));
  } catch (error) {
    if ((error as { code?: number }).code === 404) return null;
    throw error;
  }
}

/**
 * Refuses a live BigQuery table that lacks a column of its definition (or holds it with another
 * type), naming them and the fix: a load or MERGE into it would drop or fail on that field. More
 * columns are fine (migrate keeps the ones a definition no longer has).
 */
export async function requireBigQueryColumns(client: BigQuery, table: TableDefinition, prefix = ''): Promise<string> {
  const live = await liveBigQueryColumns(client, table, prefix);
  if (live === null)
    throw new WarehouseSchemaError(
      `table ${datasetName(table, prefix)}.${table.name} does not exist; create it: PROPS_BACKEND=gcp props warehouse migrate`,
    );
  const missing = columnsMissingFrom(table, live, bigQueryTypeOf);
  if (missing.length > 0)
    throw new WarehouseSchemaError(
      `table ${datasetName(table, prefix)}.${table.name} lacks ${missing.join(', ')}; bring it to this build's shape: PROPS_BACKEND=gcp props warehouse migrate`,
    );
  return `${datasetName(table, prefix)}.${table.name} has every column this build writes`;
}

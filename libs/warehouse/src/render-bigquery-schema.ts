import type { ColumnDefinition, ColumnType, TableDefinition } from './tables/table-definition';

/** A field as `bq mk --table dataset.table schema.json` takes it. */
export interface BigQueryField {
  name: string;
  type: 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP' | 'NUMERIC' | 'JSON';
  mode: 'REQUIRED' | 'NULLABLE' | 'REPEATED';
  precision?: string;
  scale?: string;
  description?: string;
}

function fieldType(type: ColumnType): Pick<BigQueryField, 'type' | 'precision' | 'scale'> {
  switch (type.kind) {
    case 'NUMERIC':
      return { type: 'NUMERIC', precision: String(type.precision), scale: String(type.scale) };
    case 'ARRAY':
      return { type: type.of };
    default:
      return { type: type.kind };
  }
}

function field(column: ColumnDefinition): BigQueryField {
  // BigQuery has no required arrays: a REPEATED field is an empty array rather than NULL.
  const mode = column.type.kind === 'ARRAY' ? 'REPEATED' : column.required ? 'REQUIRED' : 'NULLABLE';
  return {
    name: column.name,
    ...fieldType(column.type),
    mode,
    ...(column.description ? { description: column.description } : {}),
  };
}

export function renderBigQuerySchema(table: TableDefinition): BigQueryField[] {
  return table.columns.map(field);
}

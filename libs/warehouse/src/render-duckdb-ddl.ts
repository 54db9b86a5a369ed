import { datasetName } from './dataset-prefix';
import type { ColumnType, TableDefinition } from './tables/table-definition';

const DUCKDB_TYPES = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMPTZ',
  JSON: 'JSON',
} as const;

/** DuckDB type of a column; NUMERIC(p,s) stays DECIMAL(p,s) so that lines round like BigQuery's. */
export function duckdbType(type: ColumnType): string {
  switch (type.kind) {
    case 'NUMERIC':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'ARRAY':
      return `${DUCKDB_TYPES[type.of]}[]`;
    default:
      return DUCKDB_TYPES[type.kind];
  }
}

export function qualifiedTableName(table: TableDefinition, prefix = ''): string {
  return `${datasetName(table, prefix)}.${table.name}`;
}

/** The schema, the table and (unless `withIndex` is false) its key index, each IF NOT EXISTS. */
export function renderDuckdbDdl(table: TableDefinition, prefix = '', withIndex = true): string {
  const schema = datasetName(table, prefix);
  const columns = table.columns.map(
    (column) => `  ${column.name} ${duckdbType(column.type)}${column.required ? ' NOT NULL' : ''}`,
  );
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema};`,
    `CREATE TABLE IF NOT EXISTS ${schema}.${table.name} (\n${columns.join(',\n')}\n);`,
    ...(withIndex
      ? [`CREATE INDEX IF NOT EXISTS ${table.name}_key ON ${schema}.${table.name} (${table.key.join(', ')});`]
      : []),
  ].join('\n');
}

/** Column types as the platform means them; each renderer maps them explicitly. */
export type ColumnType =
  | { kind: 'STRING' }
  | { kind: 'INT64' }
  | { kind: 'FLOAT64' }
  | { kind: 'BOOL' }
  | { kind: 'DATE' }
  | { kind: 'TIMESTAMP' }
  | { kind: 'NUMERIC'; precision: number; scale: number }
  | { kind: 'JSON' }
  | { kind: 'ARRAY'; of: 'FLOAT64' | 'STRING' };

export interface ColumnDefinition {
  name: string;
  type: ColumnType;
  required: boolean;
  description?: string;
  /**
   * For a column added after a table first shipped: how `props warehouse migrate` fills it on the
   * rows already there, as SQL both BigQuery and DuckDB accept (a literal, or an expression over
   * the row's other columns). Required for a required column.
   */
  backfill?: string;
  /** The name this column had in an earlier shape: migrate copies the old column's values into it and keeps the old column. */
  formerly?: string;
}

export type Dataset = 'nba_raw' | 'nba_analytics' | 'nba_predictions' | 'nba_orchestration';

export interface TableDefinition {
  dataset: Dataset;
  name: string;
  description: string;
  columns: readonly ColumnDefinition[];
  /** The logical key; DuckDB indexes it, BigQuery clusters on it. */
  key: readonly string[];
  /** BigQuery partitioning column (DATE); DuckDB has no equivalent. */
  partitionBy?: string;
}

export const STRING = { kind: 'STRING' } as const;
export const INT64 = { kind: 'INT64' } as const;
export const FLOAT64 = { kind: 'FLOAT64' } as const;
export const BOOL = { kind: 'BOOL' } as const;
export const DATE = { kind: 'DATE' } as const;
export const TIMESTAMP = { kind: 'TIMESTAMP' } as const;
export const JSON_TYPE = { kind: 'JSON' } as const;
export const numeric = (precision: number, scale: number): ColumnType => ({ kind: 'NUMERIC', precision, scale });
export const arrayOf = (of: 'FLOAT64' | 'STRING'): ColumnType => ({ kind: 'ARRAY', of });

type ColumnOptions = Pick<ColumnDefinition, 'backfill' | 'formerly'>;

/** A column that must hold a value (`NOT NULL` / mode REQUIRED). */
export const required = (
  name: string,
  type: ColumnType,
  description?: string,
  options: ColumnOptions = {},
): ColumnDefinition => ({ name, type, required: true, description, ...options });
/** A column that may be NULL. */
export const nullable = (
  name: string,
  type: ColumnType,
  description?: string,
  options: ColumnOptions = {},
): ColumnDefinition => ({ name, type, required: false, description, ...options });

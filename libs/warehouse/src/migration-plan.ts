import { ServiceError } from '@props/contracts';
import { datasetName } from './dataset-prefix';
import type { ColumnDefinition, TableDefinition } from './tables/table-definition';

/** A change migrate refuses because it could lose data: the table, the column and why. */
export class MigrationRefusedError extends ServiceError {
  override readonly name = 'MigrationRefusedError';
  constructor(readonly refusals: readonly string[]) {
    super(
      'migration_refused',
      `props warehouse migrate refused; nothing was changed:\n${refusals.map((refusal) => `  - ${refusal}`).join('\n')}`,
    );
  }
}

export interface TableMigration {
  table: TableDefinition;
  /** The live table does not exist: create it whole. */
  create: boolean;
  /** Columns to add, with how the rows already there are filled (null: left NULL). */
  add: Array<{ column: ColumnDefinition; fill: string | null }>;
  /**
   * Every column with a fill rule the live table can apply (added now or by an earlier run): filling
   * only its NULLs again finishes a migrate that was interrupted between adding and filling, and
   * changes nothing otherwise.
   */
  fills: Array<{ column: ColumnDefinition; fill: string }>;
  /** Live columns the definition no longer has: kept as they are, never dropped. */
  kept: string[];
}

/**
 * What migrate does to one table, from its live columns (name → type in the definition's terms,
 * via `typeOf`): create it when missing, add each missing column (filled from the column it was
 * formerly called, or by its backfill rule), keep every live column the definition lacks. A
 * column whose live type differs, or a required column with no way to fill existing rows, is a
 * refusal: retyping or inventing values could lose or corrupt data.
 */
export function planTable(
  table: TableDefinition,
  live: ReadonlyMap<string, string> | null,
  typeOf: (column: ColumnDefinition) => string,
  prefix = '',
): { migration: TableMigration; refusals: string[] } {
  const name = `${datasetName(table, prefix)}.${table.name}`;
  if (live === null) return { migration: { table, create: true, add: [], fills: [], kept: [] }, refusals: [] };
  const refusals: string[] = [];
  const add: TableMigration['add'] = [];
  const fills: TableMigration['fills'] = [];
  for (const column of table.columns) {
    const former = column.formerly !== undefined && live.has(column.formerly) ? column.formerly : null;
    const fill = former ?? column.backfill ?? null;
    if (fill !== null) fills.push({ column, fill });
    const found = live.get(column.name);
    if (found !== undefined) {
      if (found !== typeOf(column))
        refusals.push(
          `${name}.${column.name} is ${found} in the warehouse and ${typeOf(column)} in this build; changing a column's type can lose data, so convert it by hand`,
        );
      continue;
    }
    if (column.required && fill === null)
      refusals.push(`${name}.${column.name} is required and new, and nothing says how to fill the rows already there`);
    add.push({ column, fill });
  }
  const defined = new Set(table.columns.map((column) => column.name));
  return {
    migration: { table, create: false, add, fills, kept: [...live.keys()].filter((column) => !defined.has(column)) },
    refusals,
  };
}

/** One line per change, for the command's report. */
export function describeMigration(
  migration: TableMigration,
  notes: { requiredAddedAsNullable?: boolean; prefix?: string } = {},
): string[] {
  const name = `${datasetName(migration.table, notes.prefix)}.${migration.table.name}`;
  if (migration.create) return [`${name}: created`];
  const lines = migration.add.map(({ column, fill }) => {
    const filled =
      fill === null
        ? 'existing rows NULL'
        : column.formerly !== undefined && fill === column.formerly
          ? `existing rows copied from ${fill}`
          : `existing rows set to ${fill}`;
    const mode =
      column.required && notes.requiredAddedAsNullable
        ? ' (as NULLABLE: a required column added to a table with rows)'
        : '';
    return `${name}: added ${column.name}${mode}, ${filled}`;
  });
  if (migration.kept.length > 0)
    lines.push(`${name}: kept ${migration.kept.join(', ')} (no longer written; never dropped)`);
  return lines;
}

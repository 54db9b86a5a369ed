import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PredictionRowSchema } from '@props/contracts';
import { PLAYER_PROP_PREDICTIONS } from './predictions';
import type { ColumnType, TableDefinition } from './table-definition';

/** Columns consolidation sets, which a staged row does not carry. */
const SET_BY_CONSOLIDATION = new Set(['updated_at', 'fencing_token']);

/** The zod type under nullable/optional, and whether null passes. */
function unwrap(schema: z.ZodType): { type: string; value?: unknown; acceptsNull: boolean } {
  const acceptsNull = schema.safeParse(null).success;
  let inner = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType; values?: unknown[] } };
  while (inner.def.innerType) inner = inner.def.innerType as typeof inner;
  return { type: inner.def.type, value: inner.def.values?.[0], acceptsNull };
}

/** The zod types a column of each kind may be written from. */
function writableFrom(column: ColumnType, zod: { type: string; value?: unknown }): boolean {
  const family = zod.type === 'literal' ? typeof zod.value : zod.type;
  // Always null (a column the platform never writes): fits any column that allows null, checked apart.
  if (family === 'null') return true;
  switch (column.kind) {
    case 'STRING':
    case 'DATE':
    case 'TIMESTAMP':
      return family === 'string' || family === 'enum';
    case 'INT64':
    case 'FLOAT64':
    case 'NUMERIC':
      return family === 'number';
    case 'BOOL':
      return family === 'boolean';
    case 'JSON':
      return family === 'string';
    case 'ARRAY':
      return family === 'array';
  }
}

/** Every way the row contract and the table disagree; empty when a valid row always fits the table. */
function mismatches(schema: z.ZodObject, table: TableDefinition): string[] {
  const found: string[] = [];
  const shape = schema.shape as Record<string, z.ZodType>;
  for (const column of table.columns) {
    if (SET_BY_CONSOLIDATION.has(column.name)) continue;
    const field = shape[column.name];
    if (!field) {
      found.push(`${column.name}: a column the row contract does not carry`);
      continue;
    }
    const zod = unwrap(field);
    if (zod.acceptsNull && column.required) found.push(`${column.name}: the contract allows null, the table does not`);
    if (!writableFrom(column.type, zod))
      found.push(`${column.name}: ${zod.type} cannot be written to ${column.type.kind}`);
  }
  const columns = new Set(table.columns.map((column) => column.name));
  for (const name of Object.keys(shape))
    if (!columns.has(name)) found.push(`${name}: in the row contract, not in ${table.name}`);
  return found;
}

describe('the prediction row contract and the predictions table', () => {
  it('agree: every column but the two consolidation sets, null only where the table allows it, types that fit', () => {
    expect(mismatches(PredictionRowSchema, PLAYER_PROP_PREDICTIONS)).toEqual([]);
  });

  it('would say which field disagrees, and how (each planted mismatch)', () => {
    const planted = PredictionRowSchema.extend({
      model_version: z.string().nullable(),
      predicted_points: z.string(),
      stray: z.string(),
    }).omit({ details: true });
    expect(mismatches(planted, PLAYER_PROP_PREDICTIONS)).toEqual([
      'predicted_points: string cannot be written to NUMERIC',
      'model_version: the contract allows null, the table does not',
      'details: a column the row contract does not carry',
      'stray: in the row contract, not in player_prop_predictions',
    ]);
  });
});

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isCalendarDate } from '@props/contracts';
import { UsageError } from '../cli-command';

export function defaultWarehouse(): string {
  return resolve(join(process.env.PROPS_DATA_DIR ?? 'var', 'warehouse.duckdb'));
}

/** Parses the options shared by grade, verify and report; a bad one is a UsageError naming it. */
export function parseGradingArgs<T extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(args: readonly string[], options: T) {
  try {
    const { values } = parseArgs({ args: [...args], options: { ...options, warehouse: { type: 'string' } } });
    const date = (values as Record<string, unknown>).date;
    if (typeof date === 'string' && !isCalendarDate(date)) throw new UsageError(`--date: expected YYYY-MM-DD, got ${date}`);
    return { values: values as Record<string, string | boolean | undefined>, warehouse: resolve(String((values as Record<string, unknown>).warehouse ?? defaultWarehouse())) };
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
  }
}

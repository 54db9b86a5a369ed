import { join, resolve } from 'node:path';
import { isCalendarDate, errorMessage } from '@props/contracts';
import { validateDatasetPrefix } from '@props/warehouse';
import { UsageError, parseCommandArgs } from '../cli-command';

export function defaultWarehouse(): string {
  return resolve(join(process.env.PROPS_DATA_DIR ?? 'var', 'warehouse.duckdb'));
}

/**
 * Parses the options grade, verify and report share (--warehouse for the local runtime,
 * --dataset-prefix for BigQuery) with the command's own; a bad one is a UsageError naming it.
 */
export function parseGradingArgs<T extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(
  args: readonly string[],
  options: T,
  { relativeDates = false } = {},
) {
  const { values } = parseCommandArgs({
    args: [...args],
    options: {
      ...options,
      warehouse: { type: 'string' },
      'dataset-prefix': { type: 'string', default: process.env.PROPS_DATASET_PREFIX ?? '' },
    },
  });
  const all = values as Record<string, string | boolean | undefined>;
  if (!relativeDates && typeof all.date === 'string' && !isCalendarDate(all.date))
    throw new UsageError(`--date: expected YYYY-MM-DD, got ${all.date}`);
  let prefix: string;
  try {
    prefix = validateDatasetPrefix(String(all['dataset-prefix']));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  return { values: all, warehouse: resolve(String(all.warehouse ?? defaultWarehouse())), prefix };
}

import { join, resolve } from 'node:path';
import { isCalendarDate } from '@props/contracts';
import { UsageError, parseCommandArgs } from '../cli-command';
import { datasetPrefixOption } from '../dataset-prefix-option';

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
      'dataset-prefix': { type: 'string' },
    },
  });
  const all = values as Record<string, string | boolean | undefined>;
  if (!relativeDates && typeof all.date === 'string' && !isCalendarDate(all.date))
    throw new UsageError(`--date: expected YYYY-MM-DD, got ${all.date}`);
  const prefix = datasetPrefixOption(all['dataset-prefix'] as string | undefined);
  return { values: all, warehouse: resolve(String(all.warehouse ?? defaultWarehouse())), prefix };
}

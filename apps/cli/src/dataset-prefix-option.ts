import { DatasetPrefixError, validateDatasetPrefix } from '@props/warehouse';
import { UsageError } from './cli-command';

/** A dataset prefix read from `source` (an option or a variable), checked: a bad one is a usage error naming the source. */
export function checkedDatasetPrefix(value: string, source: string): string {
  try {
    return validateDatasetPrefix(value);
  } catch (error) {
    if (!(error instanceof DatasetPrefixError)) throw error;
    throw new UsageError(`${source}: ${error.problem}`);
  }
}

/** --dataset-prefix if given, else PROPS_DATASET_PREFIX, else none (production's datasets). */
export function datasetPrefixOption(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given === undefined
    ? checkedDatasetPrefix(env.PROPS_DATASET_PREFIX ?? '', 'PROPS_DATASET_PREFIX')
    : checkedDatasetPrefix(given, '--dataset-prefix');
}

import { errorMessage } from '@props/contracts';
import { validateDatasetPrefix } from '@props/warehouse';
import { UsageError } from './cli-command';

/** A dataset prefix given as `option`, checked: a bad one is a usage error that names the option. */
export function datasetPrefixOption(value: string, option = '--dataset-prefix'): string {
  try {
    return validateDatasetPrefix(value);
  } catch (error) {
    throw new UsageError(`${option}: ${errorMessage(error)}`);
  }
}

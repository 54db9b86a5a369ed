import { validateDatasetPrefix } from '@props/contracts';
import type { StagingStore } from './staging-store';

/**
 * The staging of one dataset prefix: '' is production's, any other prefix a test or backtest
 * batch's own, so batches of different prefixes never read or clean up each other's staging.
 */
export type StagingFor<S extends StagingStore = StagingStore> = (datasetPrefix: string) => S;

/** One store per prefix, made on first use; a malformed prefix is refused before anything is touched. */
export function stagingPerPrefix<S extends StagingStore>(make: (datasetPrefix: string) => S): StagingFor<S> {
  const made = new Map<string, S>();
  return (datasetPrefix) => {
    validateDatasetPrefix(datasetPrefix);
    if (!made.has(datasetPrefix)) made.set(datasetPrefix, make(datasetPrefix));
    return made.get(datasetPrefix)!;
  };
}

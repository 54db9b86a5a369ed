import { errorMessage } from '@props/contracts';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnvironment } from '@props/configuration';
import { bigQueryClient } from '@props/gcp-clients';
import { bigQueryStagingFor, ndjsonStagingFor, type StagingStore } from '@props/prediction-store';
import { validateDatasetPrefix } from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT } from '../command-docs';

const StagingEnvironment = backendEnvironment({
  PROPS_DATA_DIR: z.string().default('var'),
  PROPS_STAGING_DIR: z.string().optional(),
});

/** The staging of the configured backend and prefix: NDJSON folders locally, staging tables on BigQuery. */
function stagingStore(env: NodeJS.ProcessEnv, datasetPrefix: string): StagingStore {
  const config = parseEnvironment(StagingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    return bigQueryStagingFor(
      bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT),
      config.PROPS_BIGQUERY_LOCATION,
    )(datasetPrefix);
  return ndjsonStagingFor(resolve(config.PROPS_STAGING_DIR ?? join(config.PROPS_DATA_DIR, 'staging')))(datasetPrefix);
}

/** Removes the staging that batches which died (or were abandoned) left behind. Scheduled daily in production. */
export const stagingCleanupCommand: CliCommand = {
  words: ['staging', 'cleanup'],
  summary: 'remove staging older than --older-than-hours (24) that dead batches left behind',
  usage: 'props staging cleanup [--older-than-hours 24] [--dataset-prefix P]',
  options: [
    ['--older-than-hours 24', 'remove staging older than this'],
    ['--dataset-prefix P', "a test batch's staging"],
  ],
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        'older-than-hours': { type: 'string', default: '24' },
        'dataset-prefix': { type: 'string', default: process.env.PROPS_DATASET_PREFIX ?? '' },
      },
    });
    const hours = Number(values['older-than-hours']);
    // A live batch rewrites its staging within its stall deadline (10 minutes by default); an hour is the least that is safe.
    if (!(hours >= 1))
      throw new UsageError(
        `--older-than-hours: expected a number of hours, at least 1, got ${values['older-than-hours']}`,
      );
    let prefix: string;
    try {
      prefix = validateDatasetPrefix(values['dataset-prefix']);
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
    const store = stagingStore(process.env, prefix);
    const cutoff = new Date(Date.now() - hours * 3_600_000);
    const removed = await store.removeStale(cutoff);
    process.stdout.write(
      `staging cleanup (${store.name}): ${removed.length} removed, last written before ${cutoff.toISOString()}\n`,
    );
    for (const name of removed) process.stdout.write(`  removed ${name}\n`);
    return 0;
  },
};

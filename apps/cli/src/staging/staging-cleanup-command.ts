import type { RejectedMessageStore } from '@props/contracts';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { parseEnvironment } from '@props/configuration';
import {
  BigQueryRejectedMessageStore,
  bigQueryStagingFor,
  ndjsonStagingFor,
  type StagingStore,
} from '@props/prediction-store';
import { FileRejectedMessageStore } from '@props/messaging';
import { PLAYER_PROP_PREDICTIONS, datasetName } from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT } from '../command-docs';
import { datasetPrefixOption } from '../dataset-prefix-option';
import { gcpOnDemand } from '../gcp/gcp-on-demand';

const StagingEnvironment = backendEnvironment({
  PROPS_DATA_DIR: z.string().default('var'),
  PROPS_STAGING_DIR: z.string().optional(),
});

/** The staging of the configured backend and prefix: NDJSON folders locally, staging tables on BigQuery. */
async function stagingStore(env: NodeJS.ProcessEnv, datasetPrefix: string): Promise<StagingStore> {
  const config = parseEnvironment(StagingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    return bigQueryStagingFor(
      (await gcpOnDemand.clients()).bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT),
      config.PROPS_BIGQUERY_LOCATION,
    )(datasetPrefix);
  return ndjsonStagingFor(resolve(config.PROPS_STAGING_DIR ?? join(config.PROPS_DATA_DIR, 'staging')))(datasetPrefix);
}

/** The rejected messages of the configured backend and prefix: files under `<data>/rejected/` locally (shared by every prefix), the prefix's `rejected_messages` table on BigQuery. */
async function rejectedStore(env: NodeJS.ProcessEnv, datasetPrefix: string): Promise<RejectedMessageStore> {
  const config = parseEnvironment(StagingEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp')
    return new BigQueryRejectedMessageStore(
      (await gcpOnDemand.clients()).bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT),
      {
        projectId: config.GCP_PROJECT_ID!,
        dataset: datasetName(PLAYER_PROP_PREDICTIONS, datasetPrefix),
        location: config.PROPS_BIGQUERY_LOCATION,
      },
    );
  return new FileRejectedMessageStore(resolve(join(config.PROPS_DATA_DIR, 'rejected')));
}

/** Removes the staging that batches which died (or were abandoned) left behind. Scheduled daily in production. */
export const stagingCleanupCommand: CliCommand = {
  words: ['staging', 'cleanup'],
  summary:
    'remove staging older than --older-than-hours (24) that dead batches left behind, and rejected messages older than --rejected-older-than-days (14)',
  usage: 'props staging cleanup [--older-than-hours 24] [--rejected-older-than-days 14] [--dataset-prefix P]',
  options: [
    ['--older-than-hours 24', 'remove staging older than this'],
    ['--rejected-older-than-days 14', 'remove recorded rejected messages (and their batch counts) older than this'],
    ['--dataset-prefix P', "a test batch's staging"],
  ],
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        'older-than-hours': { type: 'string', default: '24' },
        'rejected-older-than-days': { type: 'string', default: '14' },
        'dataset-prefix': { type: 'string' },
      },
    });
    const hours = Number(values['older-than-hours']);
    // A live batch rewrites its staging within its stall deadline (10 minutes by default); an hour is the least that is safe.
    if (!(hours >= 1))
      throw new UsageError(
        `--older-than-hours: expected a number of hours, at least 1, got ${values['older-than-hours']}`,
      );
    const days = Number(values['rejected-older-than-days']);
    // An operator replays a rejection after fixing its cause: a day is the least worth keeping.
    if (!(days >= 1))
      throw new UsageError(
        `--rejected-older-than-days: expected a number of days, at least 1, got ${values['rejected-older-than-days']}`,
      );
    const prefix = datasetPrefixOption(values['dataset-prefix']);
    const store = await stagingStore(process.env, prefix);
    const cutoff = new Date(Date.now() - hours * 3_600_000);
    const removed = await store.removeStale(cutoff);
    process.stdout.write(
      `staging cleanup (${store.name}): ${removed.length} removed, last written before ${cutoff.toISOString()}\n`,
    );
    for (const name of removed) process.stdout.write(`  removed ${name}\n`);
    const rejected = await rejectedStore(process.env, prefix);
    const rejectedCutoff = new Date(Date.now() - days * 86_400_000);
    const rejectedRemoved = await rejected.removeOlderThan(rejectedCutoff);
    process.stdout.write(
      `rejected messages cleanup (${rejected.name}): ${rejectedRemoved} removed, recorded before ${rejectedCutoff.toISOString()}\n`,
    );
    return 0;
  },
};

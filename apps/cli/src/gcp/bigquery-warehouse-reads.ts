import { BigQueryGradingStore, BigQuerySeasonSource, BigQueryVerificationSource } from '@props/grading';
import { bigQueryClient } from '@props/gcp-clients';
import { reachCloud, type CloudTarget } from './cloud-reach';

/** Grading's, verification's and the season's reads on BigQuery, once BigQuery answers (one line otherwise). */
export async function bigQueryWarehouseReads(env: NodeJS.ProcessEnv, target: CloudTarget, datasetPrefix: string) {
  await reachCloud(env, target, ['bigquery']);
  const client = bigQueryClient(target.projectId, target.bigQueryEndpoint);
  const options = { projectId: target.projectId, location: target.bigQueryLocation, datasetPrefix };
  return {
    grading: new BigQueryGradingStore(client, options),
    verification: new BigQueryVerificationSource(client, options),
    season: new BigQuerySeasonSource(client, options),
  };
}

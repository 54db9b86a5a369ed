import { PubSub } from '@google-cloud/pubsub';
import type { RejectedMessageStore } from '@props/contracts';
import { PubSubPublisher, type Publisher } from '@props/messaging';
import { BigQueryRejectedMessageStore, bigQueryStagingFor, type StagingFor } from '@props/prediction-store';
import { bigQueryClient, bigQueryTableProbe, pubSubTopicProbe } from '@props/gcp-clients';
import { PredictionInputError } from '@props/models';
import { dependencyCheck, type ReadinessCheck } from '@props/service-runtime';
import type { WorkerGcpConfig } from '../worker-config';

export interface WorkerPorts {
  staging: StagingFor;
  publisher: Publisher;
  rejected: RejectedMessageStore;
  checks: ReadinessCheck[];
}

/**
 * Staging tables only under this environment's prefix: a staging worker never writes production's
 * dataset (its identity could not). A message naming
 * another prefix is rejected (acknowledged, recorded), as a message that can never be processed.
 */
export function servedPrefixOnly(staging: StagingFor, environmentPrefix: string): StagingFor {
  return (prefix) => {
    if (environmentPrefix && prefix !== environmentPrefix)
      throw new PredictionInputError(
        'dataset_prefix',
        `this worker stages batches of "${environmentPrefix}" only (PROPS_DATASET_PREFIX), not of "${prefix}"`,
      );
    return staging(prefix);
  };
}

/** Production: staging tables in BigQuery, completion events on Pub/Sub, rejected messages in BigQuery. */
export function gcpWorkerPorts(gcp: WorkerGcpConfig, completionTopic: string): WorkerPorts {
  const bigquery = bigQueryClient(gcp.projectId, gcp.bigqueryEndpoint);
  const pubsub = new PubSub({ projectId: gcp.projectId });
  return {
    staging: servedPrefixOnly(bigQueryStagingFor(bigquery, gcp.location), gcp.datasetPrefix),
    publisher: new PubSubPublisher(pubsub),
    rejected: new BigQueryRejectedMessageStore(bigquery, {
      projectId: gcp.projectId,
      dataset: gcp.predictionsDataset,
      location: gcp.location,
    }),
    checks: [
      // Staging copies this table's schema (this environment's: the staging identity may read no other).
      dependencyCheck('bigquery', bigQueryTableProbe(bigquery, gcp.predictionsDataset, 'player_prop_predictions')),
      dependencyCheck('pubsub', pubSubTopicProbe(pubsub, completionTopic)),
    ],
  };
}

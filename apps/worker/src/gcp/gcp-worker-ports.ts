import { PubSub } from '@google-cloud/pubsub';
import { PubSubPublisher, type Publisher, type RejectedMessageStore } from '@props/messaging';
import { BigQueryRejectedMessageStore, bigQueryStagingFor, type StagingFor } from '@props/prediction-store';
import { bigQueryClient, bigQueryTableProbe, pubSubTopicProbe } from '@props/gcp-clients';
import { dependencyCheck, type ReadinessCheck } from '@props/service-runtime';

export interface WorkerPorts {
  staging: StagingFor;
  publisher: Publisher;
  rejected: RejectedMessageStore;
  checks: ReadinessCheck[];
}

/** Production: staging tables in BigQuery, completion events on Pub/Sub, rejected messages in BigQuery. */
export function gcpWorkerPorts(
  gcp: { projectId: string; location: string; bigqueryEndpoint: string | undefined; predictionsDataset: string },
  completionTopic: string,
): WorkerPorts {
  const bigquery = bigQueryClient(gcp.projectId, gcp.bigqueryEndpoint);
  const pubsub = new PubSub({ projectId: gcp.projectId });
  return {
    staging: bigQueryStagingFor(bigquery, gcp.location),
    publisher: new PubSubPublisher(pubsub),
    rejected: new BigQueryRejectedMessageStore(bigquery, {
      projectId: gcp.projectId,
      dataset: gcp.predictionsDataset,
      location: gcp.location,
    }),
    checks: [
      // Staging copies this table's schema.
      dependencyCheck('bigquery', bigQueryTableProbe(bigquery, gcp.predictionsDataset, 'player_prop_predictions')),
      dependencyCheck('pubsub', pubSubTopicProbe(pubsub, completionTopic)),
    ],
  };
}

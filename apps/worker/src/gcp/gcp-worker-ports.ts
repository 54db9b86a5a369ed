import { PubSub } from '@google-cloud/pubsub';
import { PubSubPublisher, type Publisher, type RejectedMessageStore } from '@props/messaging';
import { BigQueryRejectedMessageStore, BigQueryStagingStore, type StagingStore } from '@props/prediction-store';
import { bigQueryClient } from '@props/gcp-clients';

export interface WorkerPorts {
  staging: StagingStore;
  publisher: Publisher;
  rejected: RejectedMessageStore;
}

/** Production: staging tables in BigQuery, completion events on Pub/Sub, rejected messages in BigQuery. */
export function gcpWorkerPorts(gcp: { projectId: string; location: string; bigqueryEndpoint: string | undefined; predictionsDataset: string }): WorkerPorts {
  const bigquery = bigQueryClient(gcp.projectId, gcp.bigqueryEndpoint);
  return {
    staging: new BigQueryStagingStore(bigquery, { dataset: gcp.predictionsDataset, location: gcp.location }),
    publisher: new PubSubPublisher(new PubSub({ projectId: gcp.projectId })),
    rejected: new BigQueryRejectedMessageStore(bigquery, { projectId: gcp.projectId, dataset: gcp.predictionsDataset, location: gcp.location }),
  };
}

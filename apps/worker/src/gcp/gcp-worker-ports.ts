import { PubSub } from '@google-cloud/pubsub';
import { PubSubPublisher, type Publisher } from '@props/messaging';
import { BigQueryStagingStore, type StagingStore } from '@props/prediction-store';
import { bigQueryClient } from '@props/gcp-clients';

export interface WorkerPorts {
  staging: StagingStore;
  publisher: Publisher;
}

/** Production: staging tables in BigQuery, completion events on Pub/Sub. */
export function gcpWorkerPorts(gcp: { projectId: string; location: string; bigqueryEndpoint: string | undefined; predictionsDataset: string }): WorkerPorts {
  return {
    staging: new BigQueryStagingStore(bigQueryClient(gcp.projectId, gcp.bigqueryEndpoint), { dataset: gcp.predictionsDataset, location: gcp.location }),
    publisher: new PubSubPublisher(new PubSub({ projectId: gcp.projectId })),
  };
}

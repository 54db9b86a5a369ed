import { Firestore } from '@google-cloud/firestore';
import { DistributedLock, FirestoreLockBackend } from '@props/distributed-lock';
import { bigQueryClient } from '@props/gcp-clients';
import { BigQueryBatchWarehouse, FirestoreBatchState } from '@props/prediction-batch';
import { bigQueryStagingFor } from '@props/prediction-store';

/** The coordinator's production stores: Firestore locks and batch records, BigQuery staging and warehouse. */
export function gcpBackfillPorts(config: {
  projectId: string;
  location: string;
  bigqueryEndpoint?: string | undefined;
  firestoreDatabase: string;
}) {
  const firestore = new Firestore({ projectId: config.projectId, databaseId: config.firestoreDatabase });
  const bigquery = bigQueryClient(config.projectId, config.bigqueryEndpoint);
  return {
    lock: new DistributedLock(new FirestoreLockBackend(firestore)),
    state: new FirestoreBatchState(firestore),
    staging: bigQueryStagingFor(bigquery, config.location),
    warehouse: new BigQueryBatchWarehouse(bigquery, { projectId: config.projectId, location: config.location }),
  };
}

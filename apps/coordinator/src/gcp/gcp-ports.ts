import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { DistributedLock, FirestoreLockBackend } from '@props/distributed-lock';
import { PubSubPublisher } from '@props/messaging';
import { LogEvent, type Logger } from '@props/observability';
import { BigQueryRejectedMessageStore, BigQueryStagingStore } from '@props/prediction-store';
import { datasetName, PLAYER_PROP_PREDICTIONS } from '@props/warehouse';
import { bigQueryClient } from '@props/gcp-clients';
import type { CoordinatorPorts, Fanout } from '../batch/coordinator-ports';
import type { CoordinatorConfig } from '../coordinator-config';
import { BigQueryBatchWarehouse } from './bigquery-batch-warehouse';
import { FirestoreBatchState } from './firestore-batch-state';

/** Publishes to Pub/Sub in the background; a publish that fails is logged, and the stall check re-publishes it. */
class PubSubFanout implements Fanout {
  constructor(
    private readonly publisher: PubSubPublisher,
    private readonly logger: Logger,
  ) {}

  enqueue(topic: string, payload: unknown, messageId: string): void {
    void this.publisher.publish(topic, payload, { messageId }).catch((error: unknown) => {
      this.logger.error({ event: LogEvent.messageDeadLettered, message_id: messageId, reason: error instanceof Error ? error.message : String(error) }, `could not publish ${messageId}`);
    });
  }
}

/** Production: BigQuery, Firestore (lock and batch state) and Pub/Sub. */
export function gcpPorts(config: CoordinatorConfig, logger: Logger): CoordinatorPorts {
  const projectId = config.gcp!.projectId;
  const firestore = new Firestore({ projectId });
  const bigquery = bigQueryClient(projectId, config.gcp!.bigqueryEndpoint);
  return {
    lock: new DistributedLock(new FirestoreLockBackend(firestore)),
    state: new FirestoreBatchState(firestore),
    staging: new BigQueryStagingStore(bigquery, { dataset: datasetName(PLAYER_PROP_PREDICTIONS), location: config.gcp!.location }),
    warehouse: new BigQueryBatchWarehouse(bigquery, { projectId, location: config.gcp!.location }),
    delivery: new PubSubFanout(new PubSubPublisher(new PubSub({ projectId })), logger),
    rejected: new BigQueryRejectedMessageStore(bigquery, { projectId, dataset: datasetName(PLAYER_PROP_PREDICTIONS), location: config.gcp!.location }),
    checks: [],
  };
}

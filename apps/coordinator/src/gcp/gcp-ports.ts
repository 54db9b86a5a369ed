import { errorMessage } from '@props/contracts';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { DistributedLock, FirestoreLockBackend } from '@props/distributed-lock';
import { PubSubPublisher } from '@props/messaging';
import { LogEvent, type Logger } from '@props/observability';
import { BigQueryBatchWarehouse, FirestoreBatchState } from '@props/prediction-batch';
import { BigQueryRejectedMessageStore, bigQueryStagingFor } from '@props/prediction-store';
import { datasetName, PLAYER_PROP_PREDICTIONS, requireBigQueryColumns } from '@props/warehouse';
import { bigQueryClient, pubSubTopicProbe } from '@props/gcp-clients';
import { dependencyCheck } from '@props/service-runtime';
import type { CoordinatorPorts, Fanout } from '../batch/coordinator-ports';
import type { CoordinatorConfig } from '../coordinator-config';

/** Publishes to Pub/Sub; a publish that fails is logged, and the stall check re-publishes it. */
class PubSubFanout implements Fanout {
  constructor(
    private readonly topic: string,
    private readonly publisher: PubSubPublisher,
    private readonly logger: Logger,
  ) {}

  async publish(payload: unknown, messageId: string): Promise<void> {
    try {
      await this.publisher.publish(this.topic, payload, { messageId });
    } catch (error) {
      this.logger.error(
        {
          event: LogEvent.messageDeadLettered,
          message_id: messageId,
          reason: errorMessage(error),
        },
        `could not publish ${messageId}`,
      );
    }
  }
}

/** Production: BigQuery, Firestore (lock and batch state) and Pub/Sub. */
export function gcpPorts(config: CoordinatorConfig, logger: Logger): CoordinatorPorts {
  const projectId = config.gcp!.projectId;
  const firestore = new Firestore({ projectId, databaseId: config.gcp!.firestoreDatabase });
  const bigquery = bigQueryClient(projectId, config.gcp!.bigqueryEndpoint);
  const pubsub = new PubSub({ projectId });
  const publisher = new PubSubPublisher(pubsub);
  return {
    lock: new DistributedLock(
      new FirestoreLockBackend(firestore, undefined, (path, reason) =>
        logger.error({ event: LogEvent.stateFileUnreadable, path, reason }, `${path} is unreadable (${reason})`),
      ),
    ),
    state: new FirestoreBatchState(firestore, undefined, (problem) =>
      logger.error(
        { event: LogEvent.stateFileUnreadable, path: problem.path, reason: problem.reason },
        problem.message,
      ),
    ),
    staging: bigQueryStagingFor(bigquery, config.gcp!.location),
    warehouse: new BigQueryBatchWarehouse(bigquery, { projectId, location: config.gcp!.location }),
    delivery: new PubSubFanout(config.topics.predictionRequest, publisher, logger),
    notices: publisher,
    rejected: new BigQueryRejectedMessageStore(bigquery, {
      projectId,
      // This environment's dataset: the staging identity is granted only the prefixed ones.
      dataset: datasetName(PLAYER_PROP_PREDICTIONS, config.datasetPrefix),
      location: config.gcp!.location,
    }),
    checks: [
      // The MERGE names every column of the definition: a table lacking one (not migrated) fails readiness.
      // The batches this coordinator starts all use its prefix, so that is the table checked.
      dependencyCheck('bigquery', () =>
        requireBigQueryColumns(bigquery, PLAYER_PROP_PREDICTIONS, config.datasetPrefix),
      ),
      dependencyCheck('firestore', async () => {
        await firestore.collection('prediction_batches').limit(1).get();
        return 'prediction_batches answers';
      }),
      dependencyCheck('pubsub', pubSubTopicProbe(pubsub, config.topics.predictionRequest)),
      dependencyCheck('pubsub phase-5 completion topic', pubSubTopicProbe(pubsub, config.topics.predictionsComplete)),
    ],
  };
}

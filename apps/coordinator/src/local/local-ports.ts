import { warehouseReadinessCheck } from '@props/consolidation';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { FileOutboxPublisher, FileRejectedMessageStore, HttpPushPublisher, PushDeliveryQueue } from '@props/messaging';
import { LogEvent, type Logger } from '@props/observability';
import { DuckdbBatchWarehouse, FileBatchState } from '@props/prediction-batch';
import { ndjsonStagingFor } from '@props/prediction-store';
import type { CoordinatorPorts, Fanout } from '../batch/coordinator-ports';
import type { CoordinatorConfig } from '../coordinator-config';

/** The local push queue is the subscription: handing a message to it is the whole publish. */
function fanoutThrough(topic: string, queue: PushDeliveryQueue): Fanout {
  return {
    publish: async (payload, messageId) => queue.enqueue(topic, payload, messageId),
  };
}

/** The embedded default: DuckDB, files, and HTTP push to the worker URLs with Pub/Sub's retries. */
export function localPorts(config: CoordinatorConfig, logger: Logger): CoordinatorPorts {
  const lock = new DistributedLock(new LocalLockBackend(config.lockDir));
  const staging = ndjsonStagingFor(config.stagingDir);
  return {
    lock,
    state: new FileBatchState(config.stateDir, lock, (error) =>
      logger.error({ event: LogEvent.stateFileUnreadable, path: error.path, reason: error.reason }, error.message),
    ),
    staging,
    warehouse: new DuckdbBatchWarehouse(config.warehousePath, staging),
    delivery:
      config.workerUrls.length === 0
        ? null
        : fanoutThrough(
            config.topics.predictionRequest,
            new PushDeliveryQueue({
              publishers: config.workerUrls.map(
                (url) =>
                  new HttpPushPublisher({
                    endpoints: { [config.topics.predictionRequest]: url },
                    maxAttempts: 5,
                    initialBackoffMs: 200,
                  }),
              ),
              deadLetterDir: config.deadLetterDir,
              onDeadLetter: (letter) =>
                logger.error(
                  { event: LogEvent.messageDeadLettered, message_id: letter.messageId, reason: letter.reason },
                  `message ${letter.messageId} dead-lettered`,
                ),
            }),
          ),
    rejected: new FileRejectedMessageStore(config.rejectedDir),
    notices: new FileOutboxPublisher(config.outboxDir),
    checks: [{ ...warehouseReadinessCheck(), buildTime: true }, warehouseReadinessCheck(config.warehousePath)],
  };
}

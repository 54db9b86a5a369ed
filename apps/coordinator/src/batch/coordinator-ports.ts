import type { DistributedLock } from '@props/distributed-lock';
import type { RejectedMessageStore } from '@props/messaging';
import type { StagingStore } from '@props/prediction-store';
import type { ReadinessCheck } from '@props/service-runtime';
import type { BatchStateStore } from './batch-state-store';
import type { BatchWarehouse } from './batch-warehouse';

/** Fan-out of prediction requests: publish() returns at once, delivery happens behind it. */
export interface Fanout {
  enqueue(topic: string, payload: unknown, messageId: string): void;
}

/** Everything the coordinator talks to, built for one runtime by one composition function. */
export interface CoordinatorPorts {
  lock: DistributedLock;
  state: BatchStateStore;
  staging: StagingStore;
  warehouse: BatchWarehouse;
  /** null when there is nowhere to publish (local runtime without worker URLs). */
  delivery: Fanout | null;
  /** Completion events acknowledged without processing (malformed), for an operator to find. */
  rejected: RejectedMessageStore;
  checks: ReadinessCheck[];
}

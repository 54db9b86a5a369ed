import type { DistributedLock } from '@props/distributed-lock';
import type { RejectedMessageStore } from '@props/contracts';
import type { Publisher } from '@props/messaging';
import type { BatchStateStore, BatchWarehouse } from '@props/prediction-batch';
import type { StagingFor } from '@props/prediction-store';
import type { ReadinessCheck } from '@props/service-runtime';

/**
 * Fan-out of prediction requests. `publish` resolves once the message is handed to the
 * subscription (Pub/Sub accepted it; the local push queue holds it); delivery to the workers is
 * the subscription's work. It never rejects: a message it could not hand over is logged, and the
 * stall check re-publishes it. Callers await it inside their request, so no work is left for
 * after the response, when Cloud Run's request-based CPU allocation gives the instance none.
 */
export interface Fanout {
  /** Publishes one request to the request topic (configured: PREDICTION_REQUEST_TOPIC). */
  publish(payload: unknown, messageId: string): Promise<void>;
}

/** Everything the coordinator talks to, built for one runtime by one composition function. */
export interface CoordinatorPorts {
  lock: DistributedLock;
  state: BatchStateStore;
  staging: StagingFor;
  warehouse: BatchWarehouse;
  /** null when there is nowhere to publish (local runtime without worker URLs). */
  delivery: Fanout | null;
  /** Completion events acknowledged without processing (malformed), for an operator to find. */
  rejected: RejectedMessageStore;
  /** Where the phase-5 completion message goes: Pub/Sub in production, a local outbox file locally. */
  notices: Publisher;
  checks: ReadinessCheck[];
}

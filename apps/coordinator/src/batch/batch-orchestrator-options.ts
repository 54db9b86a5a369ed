import type { Logger } from '@props/observability';
import type { Publisher } from '@props/messaging';
import type { DistributedLock } from '@props/distributed-lock';
import type { StagingFor } from '@props/prediction-store';
import { batchPrefix, type BatchRecord, type BatchStateStore, type BatchWarehouse } from '@props/prediction-batch';
import type { BatchChanges } from './batch-changes';
import type { Fanout } from './coordinator-ports';

/** What every unit of the batch orchestrator works with, built once per coordinator. */
export interface BatchOrchestratorOptions {
  state: BatchStateStore;
  lock: DistributedLock;
  staging: StagingFor;
  delivery: Fanout | null;
  /** The phase-5 completion message's publisher and topic (PHASE5_COMPLETE_TOPIC). */
  notices: { publisher: Publisher; topic: string };
  warehouse: BatchWarehouse;
  logger: Logger;
  stallSeconds: number;
  minCoverage: number;
  slateTimeoutMs: number;
  slateLoad: 'one_query' | 'per_player';
  /** Players per prediction message (PROPS_PLAYERS_PER_MESSAGE; its default is the configuration's). */
  playersPerMessage: number;
  /** A staging environment's dataset prefix (PROPS_DATASET_PREFIX): its batches use it, never another. */
  environmentPrefix?: string;
  /** The status requests waiting for a batch to change, told by whatever changes one. */
  changes: BatchChanges;
}

/** The fields every log line about one batch carries. */
export interface BatchLogContext {
  batch_id: string;
  game_date: string;
  dataset_prefix: string;
}

export function batchLogContext(batch: BatchRecord): BatchLogContext {
  return { batch_id: batch.batch_id, game_date: batch.game_date, dataset_prefix: batchPrefix(batch) };
}

import type { FastifyInstance } from 'fastify';
import { ConsolidateRequestSchema, toMalformedMessageError } from '@props/contracts';
import { LockTimeoutError, LeaseLostError, type DistributedLock } from '@props/distributed-lock';
import { LogEvent } from '@props/observability';
import { StaleFencingTokenError, consolidateBatch } from '@props/consolidation';
import { WarehouseBusyError } from '@props/warehouse';
import type { StagingStore } from '@props/prediction-store';

export interface ConsolidationDependencies {
  staging: StagingStore;
  lock: DistributedLock;
  warehousePath: string;
}

/**
 * `POST /consolidate {batch_id, game_date}`: MERGE a batch's staged rows into the predictions
 * table exactly once, under the distributed lock for the date, with the lease's fencing token.
 * 503 when the lock or the warehouse stays busy (retry), 409 for a stale or lost lease.
 */
export function registerConsolidateRoute(app: FastifyInstance, dependencies: ConsolidationDependencies): void {
  app.post('/consolidate', async (request, reply) => {
    const parsed = ConsolidateRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const error = toMalformedMessageError(parsed.error);
      return reply.code(400).send({ error: 'invalid request', field: error.field, problem: error.problem });
    }
    const { batch_id: batchId, game_date: gameDate } = parsed.data;
    const context = { batch_id: batchId, game_date: gameDate };
    try {
      const result = await consolidateBatch({
        batchId,
        gameDate,
        staging: dependencies.staging,
        lock: dependencies.lock,
        lockOptions: { leaseMs: 300_000, maxWaitMs: 30_000, retryIntervalMs: 1_000 },
        warehousePath: dependencies.warehousePath,
      });
      request.log.info({ event: LogEvent.consolidationCompleted, ...context, ...result }, `consolidated ${result.rowsMerged} rows`);
      return { batch_id: batchId, game_date: gameDate, rows_staged: result.rowsStaged, rows_merged: result.rowsMerged, rows_replaced: result.rowsReplaced, duplicate_keys: result.duplicateKeys, fencing_token: result.fencingToken };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      request.log.error({ event: LogEvent.consolidationFailed, ...context, reason }, reason);
      if (error instanceof LockTimeoutError || error instanceof WarehouseBusyError) return reply.code(503).send({ error: 'busy, retry', reason });
      if (error instanceof StaleFencingTokenError || error instanceof LeaseLostError) return reply.code(409).send({ error: 'lease lost', reason });
      throw error;
    }
  });
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NdjsonStagingStore, StagingFor } from '@props/prediction-store';
import { ensureWarehouseTables, holdWarehouse, requireCurrentSchema, withWarehouse } from '@props/warehouse';
import type { ConsolidationResult } from '../consolidation';
import type { PredictionsMerger, StagedBatch } from '../predictions-merger';
import { batchRowsInDuckdb, consolidateIntoDuckdb } from './duckdb-consolidation';

/** The local warehouse's MERGE of NDJSON staging: opened for this unit of work, retried while another process holds it. */
export class DuckdbMerger implements PredictionsMerger {
  readonly name = 'duckdb';

  constructor(
    private readonly warehousePath: string,
    private readonly staging: StagingFor<NdjsonStagingStore>,
  ) {}

  merge(batch: StagedBatch, fencingToken: number): Promise<ConsolidationResult> {
    // One opening of the file for the schema check and the merge, whether or not the caller holds it.
    return holdWarehouse(this.warehousePath, () => this.mergeHeld(batch, fencingToken));
  }

  private async mergeHeld(batch: StagedBatch, fencingToken: number): Promise<ConsolidationResult> {
    const staging = this.staging(batch.datasetPrefix);
    // DuckDB opens the file on its thread while the staging is read and checked here (synchronous
    // work, so it starts once the opening is under way).
    const prepared = withWarehouse(this.warehousePath, async (connection) => {
      await ensureWarehouseTables(connection);
      await requireCurrentSchema(connection, this.warehousePath);
    });
    prepared.catch(() => undefined); // awaited below, after the read; not unhandled meanwhile
    await nextTurn();
    const { rows, invalid } = await staging.read(batch.batchId, batch.messageIds, batch.gameDate, batch.expected);
    await prepared;
    const result = await withWarehouse(this.warehousePath, async (connection) => {
      const merged = await consolidateIntoDuckdb(connection, batch.gameDate, rows, fencingToken, batch.datasetPrefix);
      return {
        ...merged,
        batchRows: await batchRowsInDuckdb(connection, batch.gameDate, batch.batchId, batch.datasetPrefix),
      };
    });
    for (const bad of invalid) await staging.quarantine(batch.batchId, bad.messageId);
    return { ...result, quarantined: invalid };
  }
}

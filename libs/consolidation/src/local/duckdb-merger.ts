import type { NdjsonStagingStore, StagingFor } from '@props/prediction-store';
import { ensureWarehouseTables, requireCurrentSchema, withWarehouse } from '@props/warehouse';
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

  async merge(batch: StagedBatch, fencingToken: number): Promise<ConsolidationResult> {
    const staging = this.staging(batch.datasetPrefix);
    const { rows, invalid } = await staging.read(batch.batchId, batch.messageIds, batch.gameDate, batch.expected);
    const result = await withWarehouse(this.warehousePath, async (connection) => {
      await ensureWarehouseTables(connection);
      await requireCurrentSchema(connection, this.warehousePath);
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

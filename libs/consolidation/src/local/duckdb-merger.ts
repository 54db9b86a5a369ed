import type { NdjsonStagingStore, StagingFor } from '@props/prediction-store';
import { ensureWarehouseTables, requireCurrentSchema, withWarehouse } from '@props/warehouse';
import type { ConsolidationResult } from '../consolidation';
import type { PredictionsMerger, StagedBatch } from '../predictions-merger';
import { consolidateIntoDuckdb } from './duckdb-consolidation';

/** The local warehouse's MERGE of NDJSON staging: opened for this unit of work, retried while another process holds it. */
export class DuckdbMerger implements PredictionsMerger {
  readonly name = 'duckdb';

  constructor(
    private readonly warehousePath: string,
    private readonly staging: StagingFor<NdjsonStagingStore>,
  ) {}

  async merge(batch: StagedBatch, fencingToken: number): Promise<ConsolidationResult> {
    const rows = await this.staging(batch.datasetPrefix).read(batch.batchId, batch.messageIds);
    return withWarehouse(this.warehousePath, async (connection) => {
      await ensureWarehouseTables(connection);
      await requireCurrentSchema(connection, this.warehousePath);
      return consolidateIntoDuckdb(connection, batch.gameDate, rows, fencingToken, batch.datasetPrefix);
    });
  }
}

import type { PredictionRow } from '@props/contracts';
import { ensureWarehouseTables, requireCurrentSchema, withWarehouse } from '@props/warehouse';
import type { ConsolidationResult } from '../consolidation';
import type { PredictionsMerger } from '../predictions-merger';
import { consolidateIntoDuckdb } from './duckdb-consolidation';

/** The local warehouse's MERGE: opened for this unit of work, retried while another process holds it. */
export class DuckdbMerger implements PredictionsMerger {
  readonly name = 'duckdb';

  constructor(private readonly warehousePath: string) {}

  merge(_batchId: string, gameDate: string, rows: readonly PredictionRow[], fencingToken: number): Promise<ConsolidationResult> {
    return withWarehouse(this.warehousePath, async (connection) => {
      await ensureWarehouseTables(connection);
      await requireCurrentSchema(connection, this.warehousePath);
      return consolidateIntoDuckdb(connection, gameDate, rows, fencingToken);
    });
  }
}

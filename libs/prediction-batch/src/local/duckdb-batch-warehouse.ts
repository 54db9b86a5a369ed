import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckdbMerger } from '@props/consolidation';
import type { NdjsonStagingStore, StagingFor } from '@props/prediction-store';
import { DuckdbSlateSource, loadSlate, type LoadSlateOptions } from '@props/feature-loader';
import {
  PREDICTION_BATCHES,
  insertRows,
  renderDuckdbDdl,
  requireCurrentSchema,
  holdWarehouse,
  requireWarehouseFile,
  withWarehouse,
} from '@props/warehouse';
import type { BatchBookkeepingRow, BatchWarehouse } from '../batch-warehouse';
import { queryPlayerCandidates } from './duckdb-player-candidates';

const SESSION_CONFIG = { threads: '1' };

/** The local DuckDB file, opened for each unit of work or session (so several processes can share it). */
export class DuckdbBatchWarehouse implements BatchWarehouse {
  readonly name = 'duckdb';
  readonly merger: DuckdbMerger;
  /** Connections whose schema version this warehouse checked (a session's candidates, then its slate). */
  private readonly schemaChecked = new WeakSet<DuckDBConnection>();

  constructor(
    private readonly path: string,
    staging: StagingFor<NdjsonStagingStore>,
  ) {
    this.merger = new DuckdbMerger(path, staging);
  }

  async candidates(gameDate: string, datasetPrefix: string) {
    requireWarehouseFile(this.path);
    return withWarehouse(this.path, async (connection) => {
      await requireCurrentSchema(connection, this.path);
      this.schemaChecked.add(connection);
      return queryPlayerCandidates(connection, gameDate, datasetPrefix);
    });
  }

  loadSlate(gameDate: string, players: readonly string[], datasetPrefix: string, options: LoadSlateOptions) {
    return withWarehouse(this.path, (connection) =>
      loadSlate(
        new DuckdbSlateSource(connection, this.path, datasetPrefix, {
          schemaChecked: this.schemaChecked.has(connection),
        }),
        gameDate,
        players,
        options,
      ),
    );
  }

  recordBatch(row: BatchBookkeepingRow, datasetPrefix: string): Promise<void> {
    return withWarehouse(this.path, async (connection) => {
      if (datasetPrefix) await connection.run(renderDuckdbDdl(PREDICTION_BATCHES, datasetPrefix));
      await insertRows(connection, PREDICTION_BATCHES, [{ ...row }], datasetPrefix);
    });
  }

  /**
   * The start's queries and the merge run on one DuckDB thread: their statements are small (a
   * slate of ~1,400 rows, a batch's ~1,600 staged rows), and two threads spent more CPU and more
   * wall time on them on two busy cores (docs/performance.md, "The coordinator's critical path").
   * A session that finds the file already open in this process (a readiness check's unit) shares
   * that opening and its default threads.
   */
  session<T>(work: () => Promise<T>): Promise<T> {
    return holdWarehouse(this.path, work, SESSION_CONFIG);
  }
}

import type { BigQuery } from '@google-cloud/bigquery';
import { BigQueryMerger } from '@props/consolidation';
import { BigQuerySlateSource, loadSlate, type LoadSlateOptions } from '@props/feature-loader';
import { PREDICTION_BATCHES, datasetName } from '@props/warehouse';
import type { BatchBookkeepingRow, BatchWarehouse } from '../batch-warehouse';
import { queryPlayerCandidatesOnBigQuery } from './bigquery-player-candidates';

/** BigQuery: query jobs for candidates and the slate, the MERGE transaction, a DML insert for bookkeeping. */
export class BigQueryBatchWarehouse implements BatchWarehouse {
  readonly name = 'bigquery';
  readonly merger: BigQueryMerger;

  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string },
  ) {
    this.merger = new BigQueryMerger(client, options);
  }

  candidates(gameDate: string, datasetPrefix: string) {
    return queryPlayerCandidatesOnBigQuery(this.client, { ...this.options, datasetPrefix }, gameDate);
  }

  loadSlate(gameDate: string, players: readonly string[], datasetPrefix: string, options: LoadSlateOptions) {
    return loadSlate(
      new BigQuerySlateSource(this.client, { ...this.options, datasetPrefix }),
      gameDate,
      players,
      options,
    );
  }

  async recordBatch(row: BatchBookkeepingRow, datasetPrefix: string): Promise<void> {
    const table = `\`${this.options.projectId}.${datasetName(PREDICTION_BATCHES, datasetPrefix)}.${PREDICTION_BATCHES.name}\``;
    const [job] = await this.client.createQueryJob({
      query: `INSERT INTO ${table} (batch_id, game_date, players_expected, players_completed, rows_merged, fencing_token, load_path, consolidated_at) VALUES (@batch_id, @game_date, @players_expected, @players_completed, @rows_merged, @fencing_token, @load_path, @consolidated_at)`,
      params: {
        ...row,
        game_date: this.client.date(row.game_date),
        consolidated_at: this.client.timestamp(row.consolidated_at),
      },
      location: this.options.location,
    });
    await job.getQueryResults();
  }

  session<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

import type { LoadSlateOptions, SlateLoad } from '@props/feature-loader';
import type { PredictionsMerger } from '@props/consolidation';
import type { PlayerCandidate } from './player-candidates';

/** The row the batch leaves in nba_orchestration.prediction_batches. */
export interface BatchBookkeepingRow {
  batch_id: string;
  game_date: string;
  /** Players the batch expects rows for: those published, less those the feature gate refused. */
  players_expected: number;
  players_completed: number;
  rows_merged: number;
  fencing_token: number;
  load_path: string;
  consolidated_at: string;
}

/** What a batch needs of the warehouse: DuckDB on the local runtime, BigQuery in production. */
export interface BatchWarehouse {
  readonly name: string;
  candidates(gameDate: string, datasetPrefix: string): Promise<PlayerCandidate[]>;
  loadSlate(
    gameDate: string,
    players: readonly string[],
    datasetPrefix: string,
    options: LoadSlateOptions,
  ): Promise<SlateLoad>;
  readonly merger: PredictionsMerger;
  /** Into the prefix's nba_orchestration.prediction_batches. */
  recordBatch(row: BatchBookkeepingRow, datasetPrefix: string): Promise<void>;
  /**
   * Runs `work` with the warehouse kept open across its units: the local file is opened by the
   * first unit (under whatever locks `work` took by then) and closed once when `work` ends, not
   * opened and checkpointed per unit. Nothing is kept for BigQuery.
   */
  session<T>(work: () => Promise<T>): Promise<T>;
}

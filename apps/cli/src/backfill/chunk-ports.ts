import type { PredictionRow } from '@props/contracts';
import type { LoadSlateOptions, SlateLoad } from '@props/feature-loader';
import type { GradingResult, NothingToGradeError } from '@props/grading';
import type { BatchBookkeepingRow, PlayerCandidate } from '@props/prediction-batch';

/** A date predicted in memory: its batch's rows and what its bookkeeping row says. */
export interface PredictedDate {
  gameDate: string;
  batchId: string;
  rows: PredictionRow[];
  bookkeeping: Pick<BatchBookkeepingRow, 'players_expected' | 'players_completed' | 'load_path'>;
}

/** What a merged date reports. */
export interface WrittenDate {
  /** Rows of the date's batch in the predictions table after the merge. */
  batchRows: number;
  rowsReplaced: number;
}

/** The fencing token each date's consolidation lock gave, by date. */
export type FencingTokens = ReadonlyMap<string, number>;

/** The inputs of a chunk's dates: on the local runtime read at once, on gcp queried per date. */
export interface ChunkInputs {
  candidates(gameDate: string): Promise<PlayerCandidate[]>;
  loadSlate(gameDate: string, players: readonly string[], options: LoadSlateOptions): Promise<SlateLoad>;
}

/**
 * The warehouse as one opening sees it: on the local runtime one DuckDB connection (a range's
 * inputs read in a few queries, one merge, one grading pass), on gcp BigQuery per date as the
 * services do.
 */
export interface ChunkPorts {
  inputs(dates: readonly string[]): Promise<ChunkInputs>;
  /** Merges each date's rows exactly once under its fencing token (newest wins) and records its batch. */
  write(dates: readonly PredictedDate[], tokens: FencingTokens): Promise<Map<string, WrittenDate | Error>>;
  /** Grades the dates with the daily aggregation; a date with nothing to grade gets its NothingToGradeError. */
  grade(dates: readonly string[]): Promise<Map<string, GradingResult | NothingToGradeError | Error>>;
  /** Writes what this opening committed into the file itself (local: a checkpoint, so that closing it is quick). */
  checkpoint(): Promise<void>;
}

// The golden parity fixtures' shape (docs/parity.md): what export-requests.ts writes, what
// run-original.py adds, and what golden-parity.test.ts reads.
import type { PredictionRequest } from '@props/contracts';

/** The batch id and injury check time of the exported requests (fixed, so a re-export diffs cleanly). */
export const PARITY_BATCH_PREFIX = 'parity_';
export const PARITY_CHECKED_AT = '2000-01-01T00:00:00.000Z';

/** Columns of ml_feature_store_v2 the original's loader reads beyond the vector and its quality. */
export interface StoreFacts {
  days_rest: number | null;
  is_home: boolean;
  data_source: string;
  completeness_percentage: number | null;
}

export interface ParityInputs {
  game_date: string;
  feature_names: string[];
  /** The requests this project forms for the date, sorted by player. */
  requests: PredictionRequest[];
  store: Record<string, StoreFacts>;
}

/** One row the original's worker formed: [player, system, predicted_points, confidence_score, recommendation, current_points_line]. */
export type OriginalRow = [string, string, number, number, string, number | null];

export interface ParityFixture extends ParityInputs {
  original: {
    repository: string;
    commit: string;
    /** How each system was scored where the original could not run it as is. */
    notes: string[];
    rows: OriginalRow[];
    /** Players the original skipped: their skip_reason and error message. */
    skipped: Record<string, { skip_reason: string; error_message: string }>;
    /**
     * The original's similarity code on each past game's context as this project derives it (the
     * one departure of similarity): [player, predicted_points, confidence_score, recommendation],
     * nulls when it found too few similar games. Players the original skipped are absent.
     */
    similarity_on_our_context: Array<[string, number | null, number | null, string | null]>;
  };
}

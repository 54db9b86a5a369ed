export interface ConsolidationResult {
  rowsStaged: number;
  /** Rows this merge wrote (a re-run after a crash may find less staged, or nothing; a stale batch writes none). */
  rowsMerged: number;
  /** Rows of the batch in the predictions table after this merge: what the batch contributed in total. */
  batchRows: number;
  /** Existing rows a newer staged row replaced (same key). */
  rowsReplaced: number;
  /** Staged rows left out because a newer batch of the date had already written their key (newest wins). */
  rowsKept: number;
  duplicateKeys: number;
  /** Staged rows that came from a system's fallback rather than its model. */
  fallbackRows: number;
  /** Staged messages left out because their rows are invalid or for another date, with why. */
  quarantined: Array<{ messageId: string; reason: string }>;
}

/** A consolidation holding an older fencing token than one already used for the date. */
export class StaleFencingTokenError extends Error {
  override readonly name = 'StaleFencingTokenError';
  constructor(
    readonly gameDate: string,
    readonly token: number,
    readonly current: number,
  ) {
    super(
      `consolidation of ${gameDate}: fencing token ${token} is older than ${current}; a newer lock holder has written, this write is refused`,
    );
  }
}

/**
 * Whether the row `existing` (a predictions-table alias) was written by a newer batch than the
 * staged row `staged`. A batch id is `batch_<date>_<start second, 10 digits>_<random>`
 * (newBatchId), so two ids of one date order as their batches started; ids of another form
 * (written by the replaced platform) are never newer. One batch's own rows are not newer than
 * themselves, so a redelivered message replaces its rows. The same condition, in the same words,
 * guards the BigQuery MERGE (both dialects have STARTS_WITH and string ordering).
 */
export function writtenByNewerBatch(existing: string, staged: string): string {
  return `(${existing}.batch_id IS NOT NULL AND STARTS_WITH(${existing}.batch_id, 'batch_') AND ${existing}.batch_id > ${staged}.batch_id)`;
}

export interface ConsolidationResult {
  rowsStaged: number;
  /** Rows this merge wrote (a re-run after a crash may find less staged, or nothing). */
  rowsMerged: number;
  /** Rows of the batch in the predictions table after this merge: what the batch contributed in total. */
  batchRows: number;
  /** Existing rows a newer staged row replaced (same key). */
  rowsReplaced: number;
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

/**
 * Rows per row group for every opening of a warehouse file (DuckDB's default is 122,880; ATTACH's
 * ROW_GROUP_SIZE, https://duckdb.org/docs/stable/sql/statements/attach). A commit writes its full
 * groups into the file, so the backfill's checkpoints stop rewriting the one group its earlier
 * openings grew (1.2-1.9 s at a season's last). Every opening uses the same size: one at the default
 * size that writes anything merges the smaller groups back at its checkpoint (1.4-2.8 s after a
 * season's backfill; docs/performance.md).
 */
export const ROW_GROUP_ROWS = 16_384;

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const LINE_BYTES = 64 * 1024;

describe('insertRows under a file-size limit', () => {
  it('fails when the staging file cannot take every row, never inserting the rows that fit', () => {
    // write(2) may write fewer bytes than asked and report no error (here at RLIMIT_FSIZE, as on a
    // full disk); fs.writeSync returns that count (https://nodejs.org/docs/latest-v24.x/api/fs.html#using-fswritefile-with-file-descriptors).
    // Eight rows of exactly 64 KiB each, one write, a limit of five rows' bytes: a write that is not
    // completed leaves a file of five whole lines, which DuckDB reads as five rows.
    const script = join(mkdtempSync(join(tmpdir(), 'props-insert-limit-')), 'insert.mts');
    writeFileSync(
      script,
      `import { withWarehouse } from ${JSON.stringify(join(import.meta.dirname, 'duckdb-warehouse.ts'))};
       import { insertRows } from ${JSON.stringify(join(import.meta.dirname, 'insert-rows.ts'))};
       import { renderDuckdbDdl } from ${JSON.stringify(join(import.meta.dirname, '../render-duckdb-ddl.ts'))};
       import { PREDICTION_BATCHES } from ${JSON.stringify(join(import.meta.dirname, '../tables/predictions.ts'))};
       const row = (index: number, pad: string) => ({ batch_id: 'b' + index + pad, game_date: '2025-03-15',
         players_expected: 1, players_completed: 1, rows_merged: 6, fencing_token: 1, load_path: 'one_query',
         consolidated_at: '2025-03-15T18:00:00Z' });
       const bare = JSON.stringify(row(0, '')).length + 1;
       const rows = Array.from({ length: 8 }, (_, index) => row(index, 'x'.repeat(${LINE_BYTES} - bare)));
       await withWarehouse(':memory:', async (connection) => {
         await connection.run(renderDuckdbDdl(PREDICTION_BATCHES));
         await insertRows(connection, PREDICTION_BATCHES, rows);
         const reader = await connection.runAndReadAll('SELECT count(*) FROM nba_orchestration.prediction_batches');
         console.log('inserted ' + reader.getRows()[0]![0]);
       });`,
    );
    const limited = spawnSync(
      'bash',
      ['-c', `ulimit -f ${(5 * LINE_BYTES) / 1024} && exec "$0" --import tsx "$1"`, process.execPath, script],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(limited.stdout).not.toMatch(/inserted/);
    expect(limited.stderr).toMatch(/EFBIG/);
    expect(limited.status).not.toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withWarehouse } from './duckdb-warehouse';

const root = resolve(import.meta.dirname, '../../../..');

/** A process that commits rows into the indexed table and is killed before it closes the file. */
function insertAndDieWithoutClosing(path: string): void {
  const killed = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { DuckDBInstance } = await import('@duckdb/node-api');
       const connection = await (await DuckDBInstance.create(${JSON.stringify(path)})).connect();
       await connection.run("SET wal_autocheckpoint = '1TB'");
       await connection.run("INSERT INTO scores SELECT 'late_' || i, i FROM range(50) t(i)");
       process.kill(process.pid, 'SIGKILL');`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (killed.signal !== 'SIGKILL') throw new Error(`the writer was not killed: ${killed.stderr}`);
}

describe('a warehouse left with a write-ahead log by a killed process', () => {
  it('stays mergeable after a unit of work that only reads it', async () => {
    const warehouse = join(mkdtempSync(join(tmpdir(), 'props-replayed-log-')), 'warehouse.duckdb');
    await withWarehouse(warehouse, async (connection) => {
      await connection.run('CREATE TABLE scores (player VARCHAR, points INTEGER)');
      await connection.run('CREATE INDEX scores_key ON scores (player)');
      await connection.run("INSERT INTO scores SELECT 'early_' || i, i FROM range(20) t(i)");
    });
    insertAndDieWithoutClosing(warehouse);
    expect(existsSync(`${warehouse}.wal`)).toBe(true);

    // The first opening after the kill only reads, as the readiness check or a report would.
    const seen = await withWarehouse(warehouse, async (connection) =>
      Number((await connection.runAndReadAll('SELECT count(*) FROM scores')).getRows()[0]![0]),
    );
    expect(seen).toBe(70);

    // Without the checkpoint at open, this delete failed: "Failed to delete all rows from index".
    await withWarehouse(warehouse, (connection) => connection.run("DELETE FROM scores WHERE player LIKE 'late_%'"));
    const left = await withWarehouse(
      warehouse,
      async (connection) => (await connection.runAndReadAll('SELECT count(*), min(player) FROM scores')).getRows()[0],
    );
    expect(left).toEqual([20n, 'early_0']);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdWarehouse, withWarehouse } from './duckdb-warehouse';

const root = resolve(import.meta.dirname, '../../../..');

/** Runs `unit` on an opening without a log in a process of its own, which kills itself inside the unit. */
function runUnitAndDie(path: string, unit: string): void {
  const script = join(mkdtempSync(join(tmpdir(), 'props-without-log-unit-')), 'unit.mts');
  writeFileSync(
    script,
    `import { withWarehouse } from ${JSON.stringify(join(import.meta.dirname, 'duckdb-warehouse.ts'))};
     await withWarehouse(${JSON.stringify(path)}, async (connection) => {
       ${unit}
       process.kill(process.pid, 'SIGKILL');
     }, { withoutLog: true });`,
  );
  const killed = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (killed.signal !== 'SIGKILL') throw new Error(`the writer was not killed: ${killed.stderr}`);
}

/** The chunk's write as an opening without a log runs it: a delete of the range, then its rows. */
const WRITE_CHUNK = `DELETE FROM scores WHERE player LIKE 'chunk_%';
  INSERT INTO scores SELECT 'chunk_' || i, i * 2 FROM range(500) t(i)`;

async function allRows(path: string): Promise<unknown[][]> {
  return withWarehouse(path, async (connection) =>
    (await connection.runAndReadAll('SELECT player, points FROM scores ORDER BY player')).getRows(),
  );
}

async function seeded(): Promise<string> {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'props-without-log-')), 'warehouse.duckdb');
  await withWarehouse(warehouse, async (connection) => {
    await connection.run('CREATE TABLE scores (player VARCHAR PRIMARY KEY, points INTEGER)');
    await connection.run("INSERT INTO scores SELECT 'before_' || i, i FROM range(20) t(i)");
  });
  return warehouse;
}

describe('an opening without a write-ahead log', () => {
  it('loses only what it committed when killed before its checkpoint, and a re-run equals an uninterrupted run', async () => {
    const uninterrupted = await seeded();
    await withWarehouse(uninterrupted, (connection) => connection.run(WRITE_CHUNK), { withoutLog: true });

    const warehouse = await seeded();
    const before = await allRows(warehouse);
    runUnitAndDie(warehouse, `await connection.run(${JSON.stringify(WRITE_CHUNK)});`);
    expect(existsSync(`${warehouse}.wal`)).toBe(false);
    expect(await allRows(warehouse)).toEqual(before);

    await withWarehouse(warehouse, (connection) => connection.run(WRITE_CHUNK), { withoutLog: true });
    const rows = await allRows(warehouse);
    expect(rows).toHaveLength(520);
    expect(rows).toEqual(await allRows(uninterrupted));
  }, 180_000);

  it('keeps what it checkpointed when killed after the checkpoint', async () => {
    const warehouse = await seeded();
    runUnitAndDie(
      warehouse,
      `await connection.run(${JSON.stringify(WRITE_CHUNK)}); await connection.run('CHECKPOINT');`,
    );
    expect(await allRows(warehouse)).toHaveLength(520);
  }, 180_000);

  it('is refused to a unit of work that needs its commits durable, on a file held open without a log', async () => {
    const warehouse = await seeded();
    await holdWarehouse(warehouse, async () => {
      await withWarehouse(warehouse, (connection) => connection.run(WRITE_CHUNK), { withoutLog: true });
      await expect(withWarehouse(warehouse, async () => 'durable')).rejects.toThrow(
        /needs its commits durable ran on an opening without a write-ahead log/,
      );
    });
  });

  it('replays a log that a killed opening with one left, before it writes', async () => {
    const warehouse = await seeded();
    const killed = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { DuckDBInstance } = await import('@duckdb/node-api');
         const connection = await (await DuckDBInstance.create(${JSON.stringify(warehouse)})).connect();
         await connection.run("SET wal_autocheckpoint = '1TB'");
         await connection.run("INSERT INTO scores SELECT 'logged_' || i, i FROM range(30) t(i)");
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(`${warehouse}.wal`)).toBe(true);
    await withWarehouse(warehouse, (connection) => connection.run(WRITE_CHUNK), { withoutLog: true });
    expect(existsSync(`${warehouse}.wal`)).toBe(false);
    expect(await allRows(warehouse)).toHaveLength(550);
  });

  it('writes row groups of 16,384 rows as every opening does, and a later opening with a log that writes keeps them', async () => {
    const groups = (warehouse: string) =>
      withWarehouse(warehouse, async (connection) =>
        Number(
          (
            await connection.runAndReadAll("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('scores')")
          ).getRows()[0]![0],
        ),
      );
    const bulk = "INSERT INTO scores SELECT 'bulk_' || i, i FROM range(40000) t(i)";
    const withLog = await seeded();
    await withWarehouse(withLog, (connection) => connection.run(bulk));
    expect(await groups(withLog)).toBe(3);
    const warehouse = await seeded();
    await withWarehouse(warehouse, (connection) => connection.run(bulk), { withoutLog: true });
    expect(await groups(warehouse)).toBe(3);
    // DuckDB merges groups smaller than the opening's size at a checkpoint, even one for another table.
    await withWarehouse(warehouse, (connection) =>
      connection.run('CREATE TABLE other (i INTEGER); INSERT INTO other VALUES (1); CHECKPOINT'),
    );
    expect(await groups(warehouse)).toBe(3);
  });
});

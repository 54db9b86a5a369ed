import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { holdWarehouse, withWarehouse } from './duckdb-warehouse';

const root = resolve(import.meta.dirname, '../../../..');
let warehouse: string;

/** Whether another process can open the file for writing right now (DuckDB lets one writer process in). */
function anotherProcessCanOpen(path: string): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { DuckDBInstance } = await import('@duckdb/node-api');
       try { (await DuckDBInstance.create(${JSON.stringify(path)})).closeSync(); console.log('opened'); }
       catch (error) { console.log(String(error).includes('lock') ? 'locked' : String(error)); }`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  const answer = probe.stdout.trim();
  if (answer !== 'opened' && answer !== 'locked') throw new Error(`probe: ${answer} ${probe.stderr}`);
  return answer === 'opened';
}

/** Temporary tables live as long as the connection: seeing one a unit before made proves the units shared it. */
const tempTableCount = (path: string) =>
  withWarehouse(path, async (connection) =>
    Number((await connection.runAndReadAll('SELECT count(*) FROM kept_by_the_hold')).getRows()[0]![0]),
  );

beforeEach(() => {
  warehouse = join(mkdtempSync(join(tmpdir(), 'props-hold-')), 'warehouse.duckdb');
});

describe('holding the warehouse open across units of work', () => {
  it('opens the file at the first unit, shares it with the next, and closes it when the hold ends', async () => {
    await holdWarehouse(warehouse, async () => {
      // Not opened yet: a caller that takes its locks first still opens the file under them.
      expect(anotherProcessCanOpen(warehouse)).toBe(true);
      await withWarehouse(warehouse, (connection) => connection.run('CREATE TEMP TABLE kept_by_the_hold AS SELECT 1'));
      expect(await tempTableCount(warehouse)).toBe(1);
      expect(anotherProcessCanOpen(warehouse)).toBe(false);
    });
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
    await expect(tempTableCount(warehouse)).rejects.toThrow(/kept_by_the_hold/);
  }, 60_000);

  it('keeps the file open until the last of two overlapping holds ends', async () => {
    let secondEnded!: () => void;
    const second = new Promise<void>((resolveEnded) => (secondEnded = resolveEnded));
    await holdWarehouse(warehouse, async () => {
      await withWarehouse(warehouse, (connection) => connection.run('CREATE TEMP TABLE kept_by_the_hold AS SELECT 1'));
      await holdWarehouse(warehouse, async () => expect(await tempTableCount(warehouse)).toBe(1)).then(secondEnded);
      await second;
      expect(await tempTableCount(warehouse)).toBe(1);
    });
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
  }, 60_000);

  it("opens the file with the hold's DuckDB configuration; a hold inside it shares that opening, and a later one gets its own", async () => {
    const threads = () =>
      withWarehouse(warehouse, async (connection) =>
        Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]![0]),
      );
    const inner = await holdWarehouse(
      warehouse,
      async () => {
        const outer = await threads();
        return [outer, await holdWarehouse(warehouse, threads, { threads: '2' })];
      },
      { threads: '1' },
    );
    expect(inner).toEqual([1, 1]);
    expect(await holdWarehouse(warehouse, threads, { threads: '2' })).toBe(2);
  });

  it('a unit that fails leaves the hold usable for the next', async () => {
    await holdWarehouse(warehouse, async () => {
      await expect(
        withWarehouse(warehouse, (connection) => connection.run('SELECT * FROM no_such_table')),
      ).rejects.toThrow(/no_such_table/);
      await withWarehouse(warehouse, (connection) => connection.run('CREATE TEMP TABLE kept_by_the_hold AS SELECT 1'));
      expect(await tempTableCount(warehouse)).toBe(1);
    });
  }, 60_000);

  it('units that overlap outside a hold take turns on one opening, and every write stays', async () => {
    await withWarehouse(warehouse, (connection) => connection.run('CREATE TABLE written (unit INTEGER)'));
    let inside = 0;
    let mostAtOnce = 0;
    const unit = (index: number) =>
      withWarehouse(warehouse, async (connection) => {
        inside += 1;
        mostAtOnce = Math.max(mostAtOnce, inside);
        await connection.run(`INSERT INTO written VALUES (${index})`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 20));
        inside -= 1;
      });
    await Promise.all([1, 2, 3, 4].map(unit));
    // Each its own opening, the four overlapped and three of the four rows were lost at the closes.
    expect(mostAtOnce).toBe(1);
    const rows = await withWarehouse(warehouse, async (connection) =>
      (await connection.runAndReadAll('SELECT unit FROM written ORDER BY unit')).getRows().map(([unit]) => unit),
    );
    expect(rows).toEqual([1, 2, 3, 4]);
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
  }, 60_000);

  it('a unit started inside a unit on the same file is refused at once, naming the file; work it leaves behind runs later', async () => {
    let leftBehind: Promise<unknown> | undefined;
    await withWarehouse(warehouse, async (connection) => {
      await connection.run('CREATE TABLE written (unit INTEGER)');
      // It would queue behind the unit that waits for it: before this check, the test hung here.
      await expect(withWarehouse(warehouse, (inner) => inner.run('INSERT INTO written VALUES (1)'))).rejects.toThrow(
        `warehouse ${warehouse}: a unit of work started inside another unit on the same file`,
      );
      leftBehind = new Promise((resolveLater) => setTimeout(resolveLater, 10)).then(() =>
        withWarehouse(warehouse, (later) => later.run('INSERT INTO written VALUES (2)')),
      );
    });
    await leftBehind;
    const rows = await withWarehouse(warehouse, async (connection) =>
      (await connection.runAndReadAll('SELECT unit FROM written')).getRows().map(([unit]) => unit),
    );
    expect(rows).toEqual([2]);
  }, 60_000);
  it("checkpoints on DuckDB's thread before the close: the event loop turns meanwhile, and a unit that comes then shares the opening and is written", async () => {
    let turnedWhileClosing = false;
    let lateUnit: Promise<number> | undefined;
    await holdWarehouse(warehouse, async () => {
      // Enough rows that their checkpoint outlasts a turn of the event loop.
      await withWarehouse(warehouse, (connection) =>
        connection.run(
          'CREATE TEMP TABLE kept_by_the_hold AS SELECT 1; CREATE TABLE written AS SELECT range AS unit FROM range(300000)',
        ),
      );
      setImmediate(() => {
        turnedWhileClosing = true;
        lateUnit = withWarehouse(warehouse, async (connection) => {
          await connection.run('INSERT INTO written VALUES (-1)');
          return Number((await connection.runAndReadAll('SELECT count(*) FROM kept_by_the_hold')).getRows()[0]![0]);
        });
      });
    });
    // A close that checkpoints runs synchronously: the hold would have ended before this turn.
    expect(turnedWhileClosing).toBe(true);
    expect(await lateUnit).toBe(1);
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
    expect(existsSync(`${warehouse}.wal`)).toBe(false);
    const written = await withWarehouse(warehouse, async (connection) =>
      (await connection.runAndReadAll('SELECT count(*), min(unit) FROM written')).getRows()[0]!.map(Number),
    );
    expect(written).toEqual([300001, -1]);
  }, 60_000);

  it('a closing checkpoint that fails does not fail the hold: the file is closed all the same', async () => {
    await withWarehouse(warehouse, (connection) => connection.run('CREATE TABLE written (unit INTEGER)'));
    // A transaction left open with a write fails the CHECKPOINT statement (and is aborted by it);
    // no unit of the project leaves one open.
    await withWarehouse(warehouse, (connection) => connection.run('BEGIN TRANSACTION; INSERT INTO written VALUES (1)'));
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
    const rows = await withWarehouse(warehouse, async (connection) =>
      Number((await connection.runAndReadAll('SELECT count(*) FROM written')).getRows()[0]![0]),
    );
    expect(rows).toBe(0);
  }, 60_000);

  it('a hold ended by two holders while its closing checkpoint fails is closed once, and a hold started after it keeps its own opening', async () => {
    await withWarehouse(warehouse, (connection) => connection.run('CREATE TABLE written (unit INTEGER)'));
    const first = holdWarehouse(warehouse, async () => {
      // Not awaited: the hold ends while this unit is queued; its open transaction fails the checkpoint.
      void withWarehouse(warehouse, (connection) =>
        connection.run('BEGIN TRANSACTION; INSERT INTO written SELECT range FROM range(2000000)'),
      );
    });
    await Promise.resolve();
    const second = holdWarehouse(warehouse, async () => undefined);
    await first;
    const later = holdWarehouse(warehouse, async () => {
      await withWarehouse(warehouse, (connection) => connection.run('CREATE TEMP TABLE kept_by_the_hold AS SELECT 1'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Still the later hold's own opening: the second holder's release must not have forgotten it.
      return tempTableCount(warehouse);
    });
    await second;
    expect(await later).toBe(1);
  }, 60_000);

  it('a closed opening leaves the file checkpointed and free; the next opening attaches it to the same instance unless a unit failed or changed a setting', async () => {
    const markerCount = () =>
      withWarehouse(warehouse, async (connection) =>
        Number(
          (
            await connection.runAndReadAll(
              "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' AND table_name = 'marker'",
            )
          ).getRows()[0]![0],
        ),
      );
    const checkpointThreshold = () =>
      withWarehouse(warehouse, async (connection) =>
        String((await connection.runAndReadAll("SELECT current_setting('checkpoint_threshold')")).getRows()[0]![0]),
      );
    const defaultThreshold = await checkpointThreshold();
    // A table of the instance's own in-memory database, not of the file: it shows which instance an opening got.
    await withWarehouse(warehouse, async (connection) => {
      await connection.run('CREATE TABLE written AS SELECT 1 AS unit');
      await connection.run('CREATE TABLE memory.main.marker AS SELECT 1 AS kept');
    });
    expect(existsSync(`${warehouse}.wal`)).toBe(false);
    expect(anotherProcessCanOpen(warehouse)).toBe(true);
    expect(await markerCount()).toBe(1);

    await withWarehouse(warehouse, (connection) => connection.run("SET checkpoint_threshold = '1GB'"));
    expect(await checkpointThreshold()).toBe(defaultThreshold);
    expect(await markerCount()).toBe(0);

    await withWarehouse(warehouse, (connection) =>
      connection.run('CREATE TABLE memory.main.marker AS SELECT 1 AS kept'),
    );
    await expect(
      withWarehouse(warehouse, (connection) => connection.run('SELECT * FROM no_such_table')),
    ).rejects.toThrow(/no_such_table/);
    expect(await markerCount()).toBe(0);
    const rows = await withWarehouse(warehouse, async (connection) =>
      (await connection.runAndReadAll('SELECT unit FROM written')).getRows(),
    );
    expect(rows).toEqual([[1]]);
  }, 60_000);

  it.each([
    ['with a log', false],
    ['without a log', true],
  ])(
    "gives a unit (%s) more connections to its opening: each reads the file outside the first one's transaction, and is closed when the unit ends",
    async (_, withoutLog) => {
      const warehouse = join(mkdtempSync(join(tmpdir(), 'props-hold-connect-')), 'warehouse.duckdb');
      await withWarehouse(warehouse, (connection) =>
        connection.run('CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1)'),
      );
      const count = async (connection: DuckDBConnection) =>
        Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
      let other: DuckDBConnection | undefined;
      await withWarehouse(
        warehouse,
        async (connection, connect) => {
          await connection.run('BEGIN; INSERT INTO t VALUES (2)');
          other = await connect();
          expect(await count(other)).toBe(1);
          expect(await count(connection)).toBe(2);
          await connection.run('COMMIT');
          expect(await count(other)).toBe(2);
        },
        { withoutLog },
      );
      await expect(count(other!)).rejects.toThrow();
    },
  );

  it.each([
    ['with a log', false],
    ['without a log', true],
  ])(
    'ends (%s) what a unit left on the connections it asked for: a statement still running is interrupted, a connection asked for as it ends is refused, the file is let go',
    async (_, withoutLog) => {
      await withWarehouse(warehouse, (connection) => connection.run('CREATE TABLE t (i INTEGER)'));
      let running!: Promise<unknown>;
      let late!: Promise<unknown>;
      let connectLater!: () => Promise<DuckDBConnection>;
      await withWarehouse(
        warehouse,
        async (_connection, connect) => {
          connectLater = connect;
          // Left running: disconnecting the connection under it crashed the process (a segfault).
          running = (await connect()).run('SELECT count(*) FROM range(10000000000) r(i) WHERE i % 7 = 3');
          running.catch(() => undefined);
          // Asked for, not awaited: its connection came after the unit had closed the others.
          late = connect();
          late.catch(() => undefined);
        },
        { withoutLog },
      );
      await expect(running).rejects.toThrow(/Interrupt/i);
      await expect(late).rejects.toThrow('a connection was asked for once its unit of work had ended');
      await expect(connectLater()).rejects.toThrow('a connection was asked for once its unit of work had ended');
      expect(anotherProcessCanOpen(warehouse)).toBe(true);
    },
    60_000,
  );
});

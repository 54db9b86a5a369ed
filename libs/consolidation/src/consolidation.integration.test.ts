import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { NdjsonStagingStore } from '@props/prediction-store';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { DuckdbMerger, StaleFencingTokenError, consolidateBatch } from './index';
import { consolidateIntoDuckdb } from './local/duckdb-consolidation';
import { rowsFor } from './test-support/staged-rows';

const root = resolve(import.meta.dirname, '../../..');
const scratch = () => mkdtempSync(join(tmpdir(), 'props-consolidation-'));

/** The rows merged for 2025-01-15 into a warehouse made on first use, with fencing token 1. */
const mergeInto = (warehouse: string, rows: Parameters<typeof consolidateIntoDuckdb>[2]) =>
  withWarehouse(
    warehouse,
    async (connection) => (
      await ensureWarehouseTables(connection),
      consolidateIntoDuckdb(connection, '2025-01-15', rows, 1)
    ),
  );

async function tableState(warehouse: string) {
  return withWarehouse(warehouse, async (connection) => {
    const count = Number(
      (await connection.runAndReadAll('SELECT count(*) FROM nba_predictions.player_prop_predictions')).getRows()[0]![0],
    );
    const duplicates = Number(
      (
        await connection.runAndReadAll(
          'SELECT count(*) FROM (SELECT game_id, player_lookup, system_id, current_points_line FROM nba_predictions.player_prop_predictions GROUP BY ALL HAVING count(*) > 1)',
        )
      ).getRows()[0]![0],
    );
    const points = (
      await connection.runAndReadAll(
        "SELECT CAST(predicted_points AS DOUBLE) FROM nba_predictions.player_prop_predictions WHERE system_id = 'moving_average' ORDER BY player_lookup",
      )
    )
      .getRows()
      .map((row) => Number(row[0]));
    return { count, duplicates, points };
  });
}

function runConsolidator(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'test-support/consolidator.ts')],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

describe('consolidation', () => {
  it("three coordinator processes consolidating one date at once leave every row exactly once, and each reports the batch's 120 rows", async () => {
    const folder = scratch();
    const staging = new NdjsonStagingStore(join(folder, 'staging'));
    for (let player = 0; player < 20; player += 1)
      await staging.write(
        'batch_race',
        `m${player}`,
        rowsFor(`player${player}`, `m${player}`, { batchId: 'batch_race' }),
      );
    const env = {
      EXPECTED: Array.from({ length: 20 }, (_, player) => `m${player}`).join(','),
      BATCH_ID: 'batch_race',
      GAME_DATE: '2025-01-15',
      STAGING_DIR: join(folder, 'staging'),
      LOCK_DIR: join(folder, 'locks'),
      WAREHOUSE: join(folder, 'warehouse.duckdb'),
    };
    const results = await Promise.all([runConsolidator(env), runConsolidator(env), runConsolidator(env)]);
    for (const result of results) expect(result.code, result.output).toBe(0);
    const merged = results.map(
      (result) =>
        JSON.parse(result.output.trim().split('\n').at(-1)!) as {
          rowsMerged: number;
          batchRows: number;
          fencingToken: number;
        },
    );
    expect(merged.map((result) => result.rowsMerged).sort((a, b) => a - b)).toEqual([0, 0, 120]);
    // The two that found nothing left to merge still report what the batch contributed.
    expect(merged.map((result) => result.batchRows)).toEqual([120, 120, 120]);
    expect(new Set(merged.map((result) => result.fencingToken)).size).toBe(3);
    expect(await tableState(env.WAREHOUSE)).toMatchObject({ count: 120, duplicates: 0 });
    expect(await staging.list('batch_race')).toEqual([]);
  }, 120_000);

  it('merges only the messages the batch published: a forged extra player and a forged copy of a real one are left out and reported', async () => {
    const folder = scratch();
    const staging = new NdjsonStagingStore(join(folder, 'staging'));
    const lock = new DistributedLock(new LocalLockBackend(join(folder, 'locks')), 'coordinator');
    await staging.write(
      'batch_x',
      'batch_x.alpha',
      rowsFor('alpha', 'batch_x.alpha', { predicted: 20, batchId: 'batch_x' }),
    );
    await staging.write(
      'batch_x',
      'batch_x.beta',
      rowsFor('beta', 'batch_x.beta', { predicted: 20, batchId: 'batch_x' }),
    );
    // Pushed by someone who can publish to the request topic: a player never selected, and 58.8 OVER for alpha.
    await staging.write('batch_x', 'batch_x.intruder', rowsFor('intruder', 'batch_x.intruder', { predicted: 50 }));
    await staging.write(
      'batch_x',
      'batch_x.alpha2',
      rowsFor('alpha', 'batch_x.alpha2', { predicted: 58.8, createdAt: '2025-01-15T23:00:00.000Z' }),
    );
    const result = await consolidateBatch({
      batchId: 'batch_x',
      gameDate: '2025-01-15',
      datasetPrefix: '',
      expectedMessageIds: ['batch_x.alpha', 'batch_x.beta'],
      staging,
      lock,
      lockOptions: { leaseMs: 10_000, maxWaitMs: 10_000, retryIntervalMs: 20 },
      merger: new DuckdbMerger(join(folder, 'w.duckdb'), () => staging),
    });
    expect(result).toMatchObject({
      rowsMerged: 12,
      batchRows: 12,
      unexpectedMessageIds: ['batch_x.alpha2', 'batch_x.intruder'],
    });
    expect(await tableState(join(folder, 'w.duckdb'))).toEqual({ count: 12, duplicates: 0, points: [20, 20] });
    expect(await staging.list('batch_x')).toEqual(['batch_x.alpha2', 'batch_x.intruder']);
  });

  it('quarantines a staged file with an invalid row or a row for another date, names it, and merges the rest', async () => {
    const folder = scratch();
    const staging = new NdjsonStagingStore(join(folder, 'staging'));
    const lock = new DistributedLock(new LocalLockBackend(join(folder, 'locks')), 'coordinator');
    await staging.write('batch_q', 'batch_q.alpha', rowsFor('alpha', 'batch_q.alpha', { batchId: 'batch_q' }));
    await staging.write('batch_q', 'batch_q.other', rowsFor('other', 'batch_q.other', { gameDate: '2025-01-16' }));
    // What an old worker staged for extreme features: NaN written as null.
    writeFileSync(
      join(folder, 'staging', 'batch_q', 'batch_q.nan.ndjson'),
      `${JSON.stringify({ ...rowsFor('nan', 'batch_q.nan')[0], predicted_points: null })}\n`,
    );
    const result = await consolidateBatch({
      batchId: 'batch_q',
      gameDate: '2025-01-15',
      datasetPrefix: '',
      expectedMessageIds: ['batch_q.alpha', 'batch_q.other', 'batch_q.nan'],
      staging,
      lock,
      lockOptions: { leaseMs: 10_000, maxWaitMs: 10_000, retryIntervalMs: 20 },
      merger: new DuckdbMerger(join(folder, 'w.duckdb'), () => staging),
    });
    expect(result.rowsMerged).toBe(6);
    expect(result.quarantined.map((bad) => bad.messageId)).toEqual(['batch_q.nan', 'batch_q.other']);
    expect(result.quarantined[0]!.reason).toContain('batch_q.nan.ndjson: line 1: predicted_points');
    expect(result.quarantined[1]!.reason).toContain('is for 2025-01-16, the batch for 2025-01-15');
    expect(readdirSync(join(folder, 'staging', 'batch_q', 'quarantine')).sort()).toEqual([
      'batch_q.nan.ndjson',
      'batch_q.other.ndjson',
    ]);
    expect(await tableState(join(folder, 'w.duckdb'))).toMatchObject({ count: 6, duplicates: 0 });
  });

  it("a redelivered message consolidated again replaces its rows, newest first, keeping created_at and setting updated_at as the original's MERGE", async () => {
    const folder = scratch();
    const staging = new NdjsonStagingStore(join(folder, 'staging'));
    const lock = new DistributedLock(new LocalLockBackend(join(folder, 'locks')), 'coordinator');
    const options = {
      batchId: 'batch_again',
      gameDate: '2025-01-15',
      datasetPrefix: '',
      expectedMessageIds: ['m1'],
      staging,
      lock,
      lockOptions: { leaseMs: 10_000, maxWaitMs: 10_000, retryIntervalMs: 20 },
      merger: new DuckdbMerger(join(folder, 'w.duckdb'), () => staging),
    };
    const times = () =>
      withWarehouse(join(folder, 'w.duckdb'), async (connection) =>
        (
          await connection.runAndReadAll(
            "SELECT DISTINCT strftime(created_at AT TIME ZONE 'UTC', '%H:%M') AS created, updated_at IS NULL AS fresh FROM nba_predictions.player_prop_predictions",
          )
        ).getRowObjectsJS(),
      );
    await staging.write('batch_again', 'm1', rowsFor('alpha', 'm1', { predicted: 20, batchId: 'batch_again' }));
    await consolidateBatch(options);
    expect(await times()).toEqual([{ created: '12:00', fresh: true }]);
    await staging.write(
      'batch_again',
      'm1',
      rowsFor('alpha', 'm1', { predicted: 30, createdAt: '2025-01-15T13:00:00.000Z', batchId: 'batch_again' }),
    );
    const second = await consolidateBatch(options);
    expect(second).toMatchObject({ rowsMerged: 6, rowsReplaced: 6 });
    expect(await tableState(join(folder, 'w.duckdb'))).toEqual({ count: 6, duplicates: 0, points: [30] });
    expect(await times()).toEqual([{ created: '12:00', fresh: false }]);
  });

  it("newest wins: a stale batch merged after a newer one of the date never replaces the newer batch's rows, and writes the keys it alone has", async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    const morning = 'batch_2025-01-15_1736928000_aaaaaa';
    const noon = 'batch_2025-01-15_1736938800_bbbbbb';
    const merge = (rows: ReturnType<typeof rowsFor>, token: number) =>
      withWarehouse(
        warehouse,
        async (connection) => (
          await ensureWarehouseTables(connection),
          consolidateIntoDuckdb(connection, '2025-01-15', rows, token)
        ),
      );
    expect(await merge(rowsFor('alpha', 'n1', { batchId: noon, predicted: 19.5 }), 1)).toMatchObject({
      rowsMerged: 6,
      rowsKept: 0,
    });
    const stale = await merge(
      [
        ...rowsFor('alpha', 'm1', { batchId: morning, predicted: 58.8, createdAt: '2025-01-15T23:00:00.000Z' }),
        ...rowsFor('beta', 'm2', { batchId: morning, predicted: 12 }),
      ],
      2,
    );
    expect(stale).toMatchObject({ rowsStaged: 12, rowsMerged: 6, rowsReplaced: 0, rowsKept: 6 });
    const rows = await withWarehouse(warehouse, async (connection) =>
      (
        await connection.runAndReadAll(
          "SELECT player_lookup, CAST(predicted_points AS DOUBLE), batch_id FROM nba_predictions.player_prop_predictions WHERE system_id = 'moving_average' ORDER BY ALL",
        )
      ).getRows(),
    );
    expect(rows).toEqual([
      ['alpha', 19.5, noon],
      ['beta', 12, morning],
    ]);
    expect(await tableState(warehouse)).toMatchObject({ count: 12, duplicates: 0 });
  });

  it('keeps lines 25.5 and 26.0 apart (the original cast both to 26)', async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    const rows = [
      ...rowsFor('alpha', 'm1', { line: 25.5 }),
      ...rowsFor('alpha', 'm2', { line: 26.0 }),
      ...rowsFor('alpha', 'm3', { line: null }),
    ];
    await withWarehouse(
      warehouse,
      async (connection) => (
        await ensureWarehouseTables(connection),
        consolidateIntoDuckdb(connection, '2025-01-15', rows, 1)
      ),
    );
    expect(await tableState(warehouse)).toMatchObject({ count: 18, duplicates: 0 });
  });

  it('two staged copies of one key in one merge: only the newer is written and counted', async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    const rows = [
      ...rowsFor('alpha', 'm1', { predicted: 40, createdAt: '2025-01-15T14:00:00.000Z' }),
      ...rowsFor('alpha', 'm1', { predicted: 20 }),
    ];
    const merged = await mergeInto(warehouse, rows);
    expect(merged).toMatchObject({ rowsStaged: 12, rowsMerged: 6, rowsReplaced: 0, rowsKept: 0 });
    expect(await tableState(warehouse)).toEqual({ count: 6, duplicates: 0, points: [40] });
  });

  it('two staged lines that differ only past the first decimal are one key: only the newer is written', async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    const rows = [
      ...rowsFor('alpha', 'm1', { line: 25.54, predicted: 40, createdAt: '2025-01-15T14:00:00.000Z' }),
      ...rowsFor('alpha', 'm2', { line: 25.5, predicted: 20 }),
    ];
    const merged = await mergeInto(warehouse, rows);
    expect(merged).toMatchObject({ rowsStaged: 12, rowsMerged: 6, rowsReplaced: 0, rowsKept: 0 });
    expect(await tableState(warehouse)).toEqual({ count: 6, duplicates: 0, points: [40] });
  });

  it('refuses a write with an older fencing token than one already used for the date, and changes nothing', async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    await withWarehouse(
      warehouse,
      async (connection) => (
        await ensureWarehouseTables(connection),
        consolidateIntoDuckdb(connection, '2025-01-15', rowsFor('alpha', 'm1', { predicted: 20 }), 5)
      ),
    );
    const stale = withWarehouse(
      warehouse,
      async (connection) => (
        await ensureWarehouseTables(connection),
        consolidateIntoDuckdb(
          connection,
          '2025-01-15',
          rowsFor('alpha', 'm1', { predicted: 40, createdAt: '2025-01-15T14:00:00.000Z' }),
          3,
        )
      ),
    );
    await expect(stale).rejects.toBeInstanceOf(StaleFencingTokenError);
    await expect(stale).rejects.toThrow('fencing token 3 is older than 5');
    expect(await tableState(warehouse)).toEqual({ count: 6, duplicates: 0, points: [20] });
  });

  it('keeps one staged row per key within a merge: the latest created_at, then the greatest prediction_id; lines equal at one decimal are one key', async () => {
    const warehouse = join(scratch(), 'w.duckdb');
    const later = '2025-01-15T13:00:00.000Z';
    const rows = [
      ...rowsFor('alpha', 'm2', { predicted: 30, createdAt: later }),
      ...rowsFor('alpha', 'm1', { predicted: 20 }),
      // Same created_at: the prediction_id decides ('m4-…' after 'm3-…').
      ...rowsFor('beta', 'm4', { predicted: 50 }),
      ...rowsFor('beta', 'm3', { predicted: 40 }),
      // 20.54 is 20.5 at the key's DECIMAL(4,1).
      ...rowsFor('gamma', 'm5', { predicted: 60, line: 20.5 }),
      ...rowsFor('gamma', 'm6', { predicted: 70, line: 20.54, createdAt: later }),
    ];
    const counts = await withWarehouse(warehouse, async (connection) => {
      await ensureWarehouseTables(connection);
      return consolidateIntoDuckdb(connection, '2025-01-15', rows, 1);
    });
    expect(counts).toMatchObject({ rowsStaged: 36, rowsMerged: 18, rowsReplaced: 0 });
    expect(await tableState(warehouse)).toEqual({ count: 18, duplicates: 0, points: [30, 50, 70] });
  });

  it('refuses staged rows for another date without writing anything', async () => {
    const folder = scratch();
    const warehouse = join(folder, 'w.duckdb');
    const wrong = withWarehouse(
      warehouse,
      async (connection) => (
        await ensureWarehouseTables(connection),
        consolidateIntoDuckdb(connection, '2025-01-15', rowsFor('alpha', 'm1', { gameDate: '2025-01-16' }), 1)
      ),
    );
    await expect(wrong).rejects.toThrow('is for 2025-01-16, the batch for 2025-01-15');
    expect(await tableState(warehouse)).toMatchObject({ count: 0 });
  });
});

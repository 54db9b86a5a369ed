import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WarehouseBusyError, withWarehouse } from './duckdb-warehouse';
import { WarehouseMissingError, ensureWarehouseTables, requireWarehouseFile } from './warehouse-schema';

let warehouse: string;

beforeAll(async () => {
  warehouse = join(mkdtempSync(join(tmpdir(), 'props-warehouse-file-')), 'warehouse.duckdb');
  await withWarehouse(warehouse, ensureWarehouseTables);
});

describe('the warehouse file', () => {
  it('missing: a clear error naming the seed command, and no empty file created', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-missing-')), 'warehouse.duckdb');
    expect(() => requireWarehouseFile(path)).toThrow(WarehouseMissingError);
    expect(() => requireWarehouseFile(path)).toThrow(
      `warehouse ${path} does not exist; build it with: props warehouse seed --out ${path}`,
    );
  });

  it('locked by another process: retried, then WarehouseBusyError naming the file', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'libs/warehouse/src/test-support/hold-warehouse.ts', warehouse],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolveHeld, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolveHeld());
        child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      await expect(withWarehouse(warehouse, async () => 'opened', { maxWaitMs: 600 })).rejects.toThrow(
        WarehouseBusyError,
      );
      await expect(withWarehouse(warehouse, async () => 'opened', { maxWaitMs: 300 })).rejects.toThrow(
        `warehouse ${warehouse}: still held by another process after 300 ms`,
      );
      await expect(
        withWarehouse(warehouse, async () => 'opened', { maxWaitMs: 300, withoutLog: true }),
      ).rejects.toThrow(`warehouse ${warehouse}: still held by another process after 300 ms`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolveExit) => child.once('exit', resolveExit));
    }
    await expect(withWarehouse(warehouse, async () => 'opened')).resolves.toBe('opened');
    await expect(withWarehouse(warehouse, async () => 'opened', { withoutLog: true })).resolves.toBe('opened');
  }, 30_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { StaleFencingTokenError } from '../consolidation';
import { rowsFor } from '../test-support/staged-rows';
import { BigQueryMerger } from './bigquery-merger';

describe('BigQueryMerger (through the real client against the loopback BigQuery endpoint)', () => {
  it('merges the newest row per key inside one transaction, replaces on a second batch, and refuses an older fencing token', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-merge-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const merger = new BigQueryMerger(bigQueryClient('props-test', await emulator.start()), { projectId: 'props-test', location: 'us-west2' });
      const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
      try {
        const first = await merger.merge('batch_one', '2025-01-15', [...rowsFor('alpha', 'm1'), ...rowsFor('alpha', 'm1b', { predicted: 30, createdAt: '2025-01-15T13:00:00.000Z' }), ...rowsFor('beta', 'm2')], 4);
        expect(first).toMatchObject({ rowsStaged: 18, rowsMerged: 12, rowsReplaced: 0 });
        expect(await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'alpha' AND predicted_points >= 30")).toBe(6);

        const second = await merger.merge('batch_two', '2025-01-15', rowsFor('beta', 'm3', { predicted: 11, createdAt: '2025-01-15T14:00:00.000Z' }), 5);
        expect(second).toMatchObject({ rowsMerged: 6, rowsReplaced: 6 });
        expect(await count('SELECT count(*) FROM nba_predictions.player_prop_predictions')).toBe(12);

        await expect(merger.merge('batch_stale', '2025-01-15', rowsFor('gamma', 'm4'), 3)).rejects.toThrow(StaleFencingTokenError);
        expect(await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'gamma'")).toBe(0);
        expect(await count('SELECT max(fencing_token) FROM nba_predictions.player_prop_predictions')).toBe(5);
        expect(await count("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '\\_merge\\_%' ESCAPE '\\'")).toBe(0);
      } finally {
        await emulator.stop();
      }
    });
  });
});

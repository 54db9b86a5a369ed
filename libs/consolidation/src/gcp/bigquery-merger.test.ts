import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import type { PredictionRow } from '@props/contracts';
import { BigQueryStagingStore, stagingTableName } from '@props/prediction-store';
import { StaleFencingTokenError } from '../consolidation';
import { rowsFor } from '../test-support/staged-rows';
import { BigQueryMerger } from './bigquery-merger';

describe('BigQueryMerger (through the real client against the loopback BigQuery endpoint)', () => {
  it('merges the newest row per key inside one transaction, replaces on a second batch, and refuses an older fencing token', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-merge-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const client = bigQueryClient('props-test', await emulator.start());
      const merger = new BigQueryMerger(client, { projectId: 'props-test', location: 'us-west2' });
      const staging = new BigQueryStagingStore(client, { dataset: 'nba_predictions', location: 'us-west2' });
      /** Stages each message's rows in its own table, as workers do, and merges the batch from there. */
      const mergeStaged = async (batchId: string, messages: Record<string, PredictionRow[]>, token: number) => {
        for (const [messageId, rows] of Object.entries(messages)) await staging.write(batchId, messageId, rows);
        return merger.merge({ batchId, gameDate: '2025-01-15', messageIds: await staging.list(batchId) }, token);
      };
      const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
      try {
        const first = await mergeStaged('batch_one', { m1: rowsFor('alpha', 'm1'), m1b: rowsFor('alpha', 'm1b', { predicted: 30, createdAt: '2025-01-15T13:00:00.000Z' }), m2: rowsFor('beta', 'm2') }, 4);
        expect(first).toMatchObject({ rowsStaged: 18, rowsMerged: 12, rowsReplaced: 0 });
        expect(await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'alpha' AND predicted_points >= 30")).toBe(6);

        const second = await mergeStaged('batch_two', { m3: rowsFor('beta', 'm3', { predicted: 11, createdAt: '2025-01-15T14:00:00.000Z' }) }, 5);
        expect(second).toMatchObject({ rowsMerged: 6, rowsReplaced: 6 });
        expect(await count('SELECT count(*) FROM nba_predictions.player_prop_predictions')).toBe(12);

        await expect(mergeStaged('batch_stale', { m4: rowsFor('gamma', 'm4') }, 3)).rejects.toThrow(StaleFencingTokenError);
        expect(await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'gamma'")).toBe(0);
        expect(await count('SELECT max(fencing_token) FROM nba_predictions.player_prop_predictions')).toBe(5);
      } finally {
        await emulator.stop();
      }
    });
  });

  it('keeps one staged copy of a message that is staged, then re-published and staged again under the same logical id', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-republish-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const staging = new BigQueryStagingStore(bigQueryClient('props-test', await emulator.start()), { dataset: 'nba_predictions', location: 'us-west2' });
      try {
        await staging.write('batch_x', 'batch_x.alpha', rowsFor('alpha', 'batch_x.alpha'));
        await staging.write('batch_x', 'batch_x.alpha', rowsFor('alpha', 'batch_x.alpha', { predicted: 25, createdAt: '2025-01-15T13:00:00.000Z' }));
        expect(await staging.list('batch_x')).toHaveLength(1);
        const table = `nba_predictions."${stagingTableName('batch_x', 'batch_x.alpha')}"`;
        expect((await connection.runAndReadAll(`SELECT count(*), CAST(min(predicted_points) AS DOUBLE) FROM ${table}`)).getRows()[0]).toEqual([6n, 25]);
      } finally {
        await emulator.stop();
      }
    });
  });
});

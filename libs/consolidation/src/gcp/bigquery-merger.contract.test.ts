import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator, QUERY_LENGTH_LIMIT } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { PLAYER_PROP_PREDICTIONS, ensureWarehouseTables, withWarehouse } from '@props/warehouse';
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
        for (const [messageId, rows] of Object.entries(messages))
          await staging.write(
            batchId,
            messageId,
            rows.map((row) => ({ ...row, batch_id: batchId })),
          );
        return merger.merge(
          { batchId, gameDate: '2025-01-15', datasetPrefix: '', messageIds: await staging.list(batchId) },
          token,
        );
      };
      const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
      try {
        const batchOne = { batchId: 'batch_one' };
        const first = await mergeStaged(
          'batch_one',
          {
            m1: rowsFor('alpha', 'm1', batchOne),
            m1b: rowsFor('alpha', 'm1b', { ...batchOne, predicted: 30, createdAt: '2025-01-15T13:00:00.000Z' }),
            m2: rowsFor('beta', 'm2', batchOne),
          },
          4,
        );
        expect(first).toMatchObject({ rowsStaged: 18, rowsMerged: 12, rowsReplaced: 0, batchRows: 12 });
        expect(
          await count(
            "SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'alpha' AND predicted_points >= 30",
          ),
        ).toBe(6);

        // A message staged for another date is quarantined, the rest of its batch merges.
        const mixed = await mergeStaged(
          'batch_mixed',
          { m5: rowsFor('delta', 'm5'), m6: rowsFor('epsilon', 'm6', { gameDate: '2025-01-16' }) },
          4,
        );
        expect(mixed).toMatchObject({
          rowsMerged: 6,
          quarantined: [{ messageId: 'm6', reason: '6 row(s) for another date than 2025-01-15' }],
        });
        expect(
          await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'epsilon'"),
        ).toBe(0);

        const second = await mergeStaged(
          'batch_two',
          { m3: rowsFor('beta', 'm3', { batchId: 'batch_two', predicted: 11, createdAt: '2025-01-15T14:00:00.000Z' }) },
          5,
        );
        expect(second).toMatchObject({ rowsMerged: 6, rowsReplaced: 6, batchRows: 6 });
        // The replaced rows keep their first created_at and get updated_at; the others have none.
        expect(
          await count(
            "SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'beta' AND updated_at IS NOT NULL AND created_at < TIMESTAMPTZ '2025-01-15 13:00:00+00'",
          ),
        ).toBe(6);
        expect(
          await count(
            "SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'alpha' AND updated_at IS NULL",
          ),
        ).toBe(6);
        expect(await count('SELECT count(*) FROM nba_predictions.player_prop_predictions')).toBe(18);

        await expect(mergeStaged('batch_stale', { m4: rowsFor('gamma', 'm4') }, 3)).rejects.toThrow(
          StaleFencingTokenError,
        );
        expect(
          await count("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE player_lookup = 'gamma'"),
        ).toBe(0);
        expect(await count('SELECT max(fencing_token) FROM nba_predictions.player_prop_predictions')).toBe(5);
      } finally {
        await emulator.stop();
      }
    });
  });

  it("newest wins: a stale batch consolidated after a newer one of the date leaves the newer batch's rows as they are, and writes only keys the newer one lacks", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-newest-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const client = bigQueryClient('props-test', await emulator.start());
      const merger = new BigQueryMerger(client, { projectId: 'props-test', location: 'us-west2' });
      const staging = new BigQueryStagingStore(client, { dataset: 'nba_predictions', location: 'us-west2' });
      const mergeStaged = async (batchId: string, messages: Record<string, PredictionRow[]>, token: number) => {
        for (const [messageId, rows] of Object.entries(messages))
          await staging.write(
            batchId,
            messageId,
            rows.map((row) => ({ ...row, batch_id: batchId })),
          );
        return merger.merge(
          { batchId, gameDate: '2025-01-15', datasetPrefix: '', messageIds: await staging.list(batchId) },
          token,
        );
      };
      const points = async (player: string) =>
        (
          await connection.runAndReadAll(
            `SELECT DISTINCT CAST(predicted_points AS DOUBLE), batch_id FROM nba_predictions.player_prop_predictions WHERE player_lookup = '${player}' AND system_id = 'moving_average'`,
          )
        ).getRows();
      try {
        const morning = 'batch_2025-01-15_1736928000_aaaaaa';
        const noon = 'batch_2025-01-15_1736938800_bbbbbb';
        expect(
          await mergeStaged(noon, { n1: rowsFor('alpha', 'n1', { batchId: noon, predicted: 19.5 }) }, 1),
        ).toMatchObject({
          rowsMerged: 6,
          rowsKept: 0,
        });
        // The morning batch stalled, was re-published and consolidated in the evening: its rows are newer by created_at only.
        const stale = await mergeStaged(
          morning,
          {
            m1: rowsFor('alpha', 'm1', { batchId: morning, predicted: 58.8, createdAt: '2025-01-15T23:00:00.000Z' }),
            m2: rowsFor('beta', 'm2', { batchId: morning, predicted: 12 }),
          },
          2,
        );
        expect(stale).toMatchObject({ rowsStaged: 12, rowsMerged: 6, rowsReplaced: 0, rowsKept: 6, batchRows: 6 });
        expect(await points('alpha')).toEqual([[19.5, noon]]);
        expect(await points('beta')).toEqual([[12, morning]]);
        // A newer batch still replaces the older one's rows.
        const evening = 'batch_2025-01-15_1736960000_cccccc';
        expect(
          await mergeStaged(evening, { e2: rowsFor('beta', 'e2', { batchId: evening, predicted: 14 }) }, 3),
        ).toMatchObject({
          rowsMerged: 6,
          rowsReplaced: 6,
          rowsKept: 0,
        });
        expect(await points('beta')).toEqual([[14, evening]]);
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
      const staging = new BigQueryStagingStore(bigQueryClient('props-test', await emulator.start()), {
        dataset: 'nba_predictions',
        location: 'us-west2',
      });
      try {
        await staging.write('batch_x', 'batch_x.alpha', rowsFor('alpha', 'batch_x.alpha'));
        await staging.write(
          'batch_x',
          'batch_x.alpha',
          rowsFor('alpha', 'batch_x.alpha', { predicted: 25, createdAt: '2025-01-15T13:00:00.000Z' }),
        );
        expect(await staging.list('batch_x')).toEqual(['batch_x.alpha']);
        // Names are unambiguous: ids differing only in "-" and "_" get their own tables, and a batch
        // whose id extends another's is not listed under it.
        await staging.write('batch_x', 'batch_x.a-b', rowsFor('ab', 'batch_x.a-b'));
        await staging.write('batch_x', 'batch_x.a_b', rowsFor('ab', 'batch_x.a_b'));
        await staging.write('batch_xy', 'batch_xy.alpha', rowsFor('alpha', 'batch_xy.alpha'));
        await staging.write('batch_x_m', 'batch_x_m.alpha', rowsFor('alpha', 'batch_x_m.alpha'));
        expect(await staging.list('batch_x')).toEqual(['batch_x.a-b', 'batch_x.a_b', 'batch_x.alpha']);
        const table = `nba_predictions."${stagingTableName('batch_x', 'batch_x.alpha')}"`;
        expect(
          (
            await connection.runAndReadAll(`SELECT count(*), CAST(min(predicted_points) AS DOUBLE) FROM ${table}`)
          ).getRows()[0],
        ).toEqual([6n, 25]);
      } finally {
        await emulator.stop();
      }
    });
  });

  it('consolidates a 600-player batch with SQL of constant size, where the one-table-per-message UNION and an unfiltered MERGE are refused as BigQuery refuses them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-600-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      // The definitions do not ask for require_partition_filter (consumers count rows by created_at
      // alone), but a live table may have it: the merge must work on one that does.
      const emulator = new BigQueryRestEmulator(connection, {
        requirePartitionFilter: { 'nba_predictions.player_prop_predictions': 'game_date' },
      });
      const project = 'nba-props-platform-prod';
      const client = bigQueryClient(project, await emulator.start());
      const staging = new BigQueryStagingStore(client, { dataset: 'nba_predictions', location: 'us-west2' });
      try {
        // Ids as production makes them: batch_<date>_<epoch>_<hex>, messages <batch>.<player_lookup>.
        const batchId = 'batch_2025-01-15_1736899200_5fca76';
        const players = Array.from({ length: 600 }, (_, index) => `player${String(index).padStart(3, '0')}lastname`);
        for (const player of players)
          await staging.write(batchId, `${batchId}.${player}`, rowsFor(player, `${batchId}.${player}`, { batchId }));
        const messageIds = await staging.list(batchId);
        const result = await new BigQueryMerger(client, { projectId: project, location: 'us-west2' }).merge(
          { batchId, gameDate: '2025-01-15', datasetPrefix: '', messageIds },
          1,
        );
        expect(result).toMatchObject({ rowsStaged: 3600, rowsMerged: 3600 });
        const queries = emulator.requests.flatMap((request) => {
          const query = (request.body as { configuration?: { query?: { query?: string } } }).configuration?.query
            ?.query;
          return query ? [query] : [];
        });
        expect(Math.max(...queries.map((query) => query.length))).toBeLessThan(20_000);

        // What the merge used to send: one SELECT per staging table, UNION ALL'd, in four subqueries.
        const columns = PLAYER_PROP_PREDICTIONS.columns
          .map((column) => column.name)
          .filter((name) => name !== 'fencing_token')
          .join(', ');
        const union = messageIds
          .map((id) => `SELECT ${columns} FROM \`${project}.nba_predictions.${stagingTableName(batchId, id)}\``)
          .join(' UNION ALL ');
        const oldCounts = `SELECT (SELECT COUNT(*) FROM (${union})) AS a, (SELECT COUNT(*) FROM (${union})) AS b, (SELECT COUNT(*) FROM (${union})) AS c, (SELECT COUNT(*) FROM (${union})) AS d`;
        expect(oldCounts.length).toBeGreaterThan(QUERY_LENGTH_LIMIT);
        await expect(client.createQueryJob({ query: oldCounts, location: 'us-west2' })).rejects.toThrow(
          /The query is too large. The maximum standard SQL query length is 1024.00K characters/,
        );
        const unfiltered = `MERGE INTO \`${project}.nba_predictions.player_prop_predictions\` AS T USING (SELECT * FROM \`${project}.nba_predictions.${stagingTableName(batchId, messageIds[0]!)}\`) AS S
  ON T.game_id = S.game_id AND T.player_lookup = S.player_lookup AND T.system_id = S.system_id
  WHEN MATCHED THEN UPDATE SET predicted_points = S.predicted_points`;
        await expect(client.createQueryJob({ query: unfiltered, location: 'us-west2' })).rejects.toThrow(
          "Cannot query over table 'nba_predictions.player_prop_predictions' without a filter over column(s) 'game_date' that can be used for partition elimination",
        );
      } finally {
        await emulator.stop();
      }
    });
  }, 180_000);
});

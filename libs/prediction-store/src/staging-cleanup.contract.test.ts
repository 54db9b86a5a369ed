import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BigQuery } from '@google-cloud/bigquery';
import type { PredictionRow } from '@props/contracts';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { bigQueryStagingFor, stagingTableName } from './gcp/bigquery-staging-store';
import { ndjsonStagingFor } from './local/ndjson-staging-store';

const row = (batchId: string, messageId: string): PredictionRow => ({
  prediction_id: `${messageId}-ma`,
  batch_id: batchId,
  message_id: messageId,
  system_id: 'moving_average',
  model_version: 'moving_average_v1',
  player_lookup: 'alpha',
  game_id: '20250115_ALP_BOS',
  game_date: '2025-01-15',
  universal_player_id: null,
  prediction_version: 1,
  current_points_line: 20.5,
  has_prop_line: true,
  line_source: 'ACTUAL_PROP',
  line_source_api: 'ODDS_API',
  sportsbook: 'DRAFTKINGS',
  estimated_line_value: null,
  pace_adjustment: null,
  similar_games_count: null,
  key_factors: null,
  scoring_tier: null,
  adjusted_points: null,
  injury_status_at_prediction: null,
  injury_flag_at_prediction: null,
  injury_reason_at_prediction: null,
  injury_checked_at: null,
  is_active: true,
  predicted_points: 21,
  confidence_score: 0.6,
  recommendation: 'PASS',
  line_margin: 0.5,
  is_actionable: false,
  filter_reason: null,
  feature_quality_score: 80,
  is_fallback: false,
  details: '{}',
  created_at: '2025-01-15T12:00:00.000Z',
});

const HOUR_MS = 3_600_000;

/** `work` against the BigQuery stand-in over a fresh warehouse, the server's time read from `clock`, through the real client. */
async function onStandIn(
  clock: () => number,
  work: (standIn: { connection: DuckDBConnection; client: BigQuery }) => Promise<void>,
): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'props-stale-bq-')), 'warehouse.duckdb');
  await withWarehouse(path, async (connection) => {
    await ensureWarehouseTables(connection);
    const emulator = new BigQueryRestEmulator(connection, { clock });
    try {
      await work({ connection, client: bigQueryClient('props-test', await emulator.start()) });
    } finally {
      await emulator.stop();
    }
  });
}

describe('removing the staging dead batches left behind', () => {
  it('locally: removes batch folders last written before the cutoff, keeps newer ones and other prefixes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-stale-'));
    const staging = ndjsonStagingFor(root);
    await staging('').write('batch_dead', 'batch_dead.alpha', [row('batch_dead', 'batch_dead.alpha')]);
    await staging('').write('batch_live', 'batch_live.alpha', [row('batch_live', 'batch_live.alpha')]);
    await staging('ci').write('batch_ci_dead', 'batch_ci_dead.alpha', [row('batch_ci_dead', 'batch_ci_dead.alpha')]);
    const twoDaysAgo = new Date(Date.now() - 48 * HOUR_MS);
    for (const folder of [join(root, 'batch_dead'), join(root, 'prefixed', 'ci', 'batch_ci_dead')]) {
      for (const name of readdirSync(folder)) utimesSync(join(folder, name), twoDaysAgo, twoDaysAgo);
      utimesSync(folder, twoDaysAgo, twoDaysAgo);
    }
    mkdirSync(join(root, 'not a batch'));
    writeFileSync(join(root, 'stray.txt'), 'x');
    const cutoff = new Date(Date.now() - 24 * HOUR_MS);
    expect(await staging('').removeStale(cutoff)).toEqual([join(root, 'batch_dead')]);
    expect(readdirSync(root).sort()).toEqual(['batch_live', 'not a batch', 'prefixed', 'stray.txt']);
    expect(await staging('ci').removeStale(cutoff)).toEqual([join(root, 'prefixed', 'ci', 'batch_ci_dead')]);
  });

  it('on BigQuery: deletes staging tables created before the cutoff, nothing else (through the real client)', async () => {
    await onStandIn(
      () => Date.now(),
      async ({ connection, client }) => {
        const staging = bigQueryStagingFor(client, 'us-west2')('');
        await staging.write('batch_a', 'batch_a.alpha', [row('batch_a', 'batch_a.alpha')]);
        await staging.write('batch_b', 'batch_b.alpha', [row('batch_b', 'batch_b.alpha')]);
        expect(await staging.removeStale(new Date(Date.now() - HOUR_MS))).toEqual([]);
        const removed = await staging.removeStale(new Date(Date.now() + 1_000));
        expect(removed.sort()).toEqual([
          `nba_predictions.${stagingTableName('batch_a', 'batch_a.alpha')}`,
          `nba_predictions.${stagingTableName('batch_b', 'batch_b.alpha')}`,
        ]);
        const left = (
          await connection.runAndReadAll(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'nba_predictions' ORDER BY 1",
          )
        )
          .getRows()
          .map((found) => String(found[0]));
        expect(left.filter((name) => name.startsWith('_staging_'))).toEqual([]);
        expect(left).toContain('player_prop_predictions');
      },
    );
  });

  it('on BigQuery: keeps a staging table created before the cutoff but rewritten since (a redelivery)', async () => {
    let serverTime = Date.now() - 30 * HOUR_MS;
    await onStandIn(
      () => serverTime,
      async ({ client }) => {
        const staging = bigQueryStagingFor(client, 'us-west2')('');
        await staging.write('batch_a', 'batch_a.alpha', [row('batch_a', 'batch_a.alpha')]);
        await staging.write('batch_dead', 'batch_dead.alpha', [row('batch_dead', 'batch_dead.alpha')]);
        serverTime = Date.now();
        // WRITE_TRUNCATE replaces the rows, not the table: its creationTime stays 30 hours back.
        await staging.write('batch_a', 'batch_a.alpha', [row('batch_a', 'batch_a.alpha')]);
        await staging.write('batch_b', 'batch_b.alpha', [row('batch_b', 'batch_b.alpha')]);
        const [listed] = await client.dataset('nba_predictions').getTables();
        const created = (id: string) => Number(listed.find((table) => table.id === id)?.metadata?.creationTime);
        expect(created(stagingTableName('batch_a', 'batch_a.alpha'))).toBeLessThan(Date.now() - 24 * HOUR_MS);
        expect(await staging.removeStale(new Date(Date.now() - 24 * HOUR_MS))).toEqual([
          `nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}`,
        ]);
      },
    );
  });

  it('on BigQuery: passes over a staging table that its batch removed after the listing', async () => {
    await onStandIn(
      () => Date.now() - 30 * HOUR_MS,
      async ({ connection, client }) => {
        const staging = bigQueryStagingFor(client, 'us-west2')('');
        for (const batch of ['batch_dead', 'batch_done'])
          await staging.write(batch, `${batch}.alpha`, [row(batch, `${batch}.alpha`)]);
        // The batch's consolidation drops its staging between the cleanup's tables.list and tables.get.
        const dataset = client.dataset.bind(client);
        client.dataset = (id, options) => {
          const found = dataset(id, options);
          const getTables = found.getTables.bind(found);
          found.getTables = (async () => {
            const listed = await getTables();
            await connection.run(`DROP TABLE nba_predictions.${stagingTableName('batch_done', 'batch_done.alpha')}`);
            return listed;
          }) as typeof found.getTables;
          return found;
        };
        expect(await staging.removeStale(new Date(Date.now() - 24 * HOUR_MS))).toEqual([
          `nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}`,
        ]);
      },
    );
  });
});

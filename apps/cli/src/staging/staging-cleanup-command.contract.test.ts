import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { BigQueryRejectedMessageStore, bigQueryStagingFor, stagingTableName } from '@props/prediction-store';
import {
  PLAYER_PROP_PREDICTIONS,
  REJECTED_MESSAGES,
  datasetName,
  ensureWarehouseTables,
  renderDuckdbDdl,
  withWarehouse,
} from '@props/warehouse';
import { HOUR_MS, workerRejection } from '../test-support/aged-records';
import { propsAsync } from '../test-support/props-process';

describe('props staging cleanup, on gcp (the real CLI through the BigQuery REST API, loopback endpoint)', () => {
  it("deletes the staging tables created and the rejected messages recorded before the cutoffs in the prefix's dataset only", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-cleanup-bq-'));
    try {
      await withWarehouse(join(folder, 'warehouse.duckdb'), async (connection) => {
        await ensureWarehouseTables(connection);
        await connection.run(`CREATE SCHEMA ${datasetName(PLAYER_PROP_PREDICTIONS, 'ci')}`);
        for (const table of [PLAYER_PROP_PREDICTIONS, REJECTED_MESSAGES])
          await connection.run(renderDuckdbDdl(table, 'ci'));
        let serverTime = Date.now() - 30 * HOUR_MS;
        const bigquery = new BigQueryRestEmulator(connection, { clock: () => serverTime });
        const endpoint = await bigquery.start();
        try {
          const client = bigQueryClient('props-test', endpoint);
          const location = 'us-west2';
          for (const prefix of ['', 'ci']) {
            await bigQueryStagingFor(client, location)(prefix).write('batch_dead', 'batch_dead.alpha', []);
            const rejected = new BigQueryRejectedMessageStore(client, {
              projectId: 'props-test',
              dataset: datasetName(PLAYER_PROP_PREDICTIONS, prefix),
              location,
            });
            await rejected.record(workerRejection('batch_old.alpha', new Date(Date.now() - 20 * 24 * HOUR_MS)));
            await rejected.record(workerRejection('batch_recent.alpha', new Date(Date.now() - 3 * 24 * HOUR_MS)));
          }
          serverTime = Date.now();
          await bigQueryStagingFor(client, location)('ci').write('batch_live', 'batch_live.alpha', []);
          const cleanup = (...args: string[]) =>
            propsAsync(
              {
                PROPS_BACKEND: 'gcp',
                GCP_PROJECT_ID: 'props-test',
                PROPS_BIGQUERY_ENDPOINT: endpoint,
                PROPS_DATASET_PREFIX: '',
              },
              'staging',
              'cleanup',
              ...args,
            );

          const run = await cleanup('--dataset-prefix', 'ci');
          expect(run.stderr).not.toContain('props staging cleanup');
          expect(run.code).toBe(0);
          expect(run.stdout.trimEnd().split('\n')).toEqual([
            expect.stringMatching(/^staging cleanup \(bigquery staging tables\): 1 removed, last written before \S+$/),
            `  removed ci_nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}`,
            expect.stringMatching(/^rejected messages cleanup \(bigquery\): 1 removed, recorded before \S+$/),
          ]);
          const left = async (sql: string) =>
            (await connection.runAndReadAll(sql)).getRows().map((row) => row.map(String).join('.'));
          const stagingTables = () =>
            left(
              "SELECT table_schema, table_name FROM information_schema.tables WHERE starts_with(table_name, '_staging_') ORDER BY 1, 2",
            );
          // The unprefixed dataset is untouched: its staging and both its rejections stay.
          expect(await stagingTables()).toEqual([
            `ci_nba_predictions.${stagingTableName('batch_live', 'batch_live.alpha')}`,
            `nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}`,
          ]);
          const rejections = (dataset: string) =>
            left(`SELECT message_id FROM ${dataset}.rejected_messages ORDER BY 1`);
          expect(await rejections('ci_nba_predictions')).toEqual(['batch_recent.alpha']);
          expect(await rejections('nba_predictions')).toEqual(['batch_old.alpha', 'batch_recent.alpha']);

          // Without a prefix, the production datasets; shorter cutoffs take the recent rejection too.
          const unprefixed = await cleanup('--rejected-older-than-days', '2');
          expect(unprefixed.code).toBe(0);
          expect(unprefixed.stdout).toContain(
            `  removed nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}\n`,
          );
          expect(unprefixed.stdout).toContain('rejected messages cleanup (bigquery): 2 removed');
          expect(await stagingTables()).toEqual([
            `ci_nba_predictions.${stagingTableName('batch_live', 'batch_live.alpha')}`,
          ]);
          expect(await rejections('nba_predictions')).toEqual([]);
          expect(await rejections('ci_nba_predictions')).toEqual(['batch_recent.alpha']);
        } finally {
          await bigquery.stop();
        }
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 240_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectedMessage } from '@props/contracts';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { BigQueryRejectedMessageStore, bigQueryStagingFor, stagingTableName } from '@props/prediction-store';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { propsAsync } from '../test-support/props-process';

const HOUR = 3_600_000;
const REFUSAL = { field: 'message.data', problem: 'expected base64' };

describe('props staging cleanup, on gcp (the real CLI through the BigQuery REST API, loopback endpoint)', () => {
  it('deletes the staging tables created and the rejected messages recorded before the cutoffs, nothing else', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-cleanup-bq-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      let serverTime = Date.now() - 30 * HOUR;
      const bigquery = new BigQueryRestEmulator(connection, { clock: () => serverTime });
      const endpoint = await bigquery.start();
      try {
        const client = bigQueryClient('props-test', endpoint);
        const staging = bigQueryStagingFor(client, 'us-west2')('');
        await staging.write('batch_dead', 'batch_dead.alpha', []);
        serverTime = Date.now();
        await staging.write('batch_live', 'batch_live.alpha', []);
        const rejected = new BigQueryRejectedMessageStore(client, {
          projectId: 'props-test',
          dataset: 'nba_predictions',
          location: 'us-west2',
        });
        const envelope = (messageId: string) => ({
          message: { messageId: '1', attributes: { props_message_id: messageId } },
        });
        await rejected.record(
          rejectedMessage('worker', envelope('batch_old.alpha'), REFUSAL, new Date(Date.now() - 20 * 24 * HOUR)),
        );
        await rejected.record(
          rejectedMessage('worker', envelope('batch_recent.alpha'), REFUSAL, new Date(Date.now() - 3 * 24 * HOUR)),
        );

        const run = await propsAsync(
          {
            PROPS_BACKEND: 'gcp',
            GCP_PROJECT_ID: 'props-test',
            PROPS_BIGQUERY_ENDPOINT: endpoint,
            PROPS_DATASET_PREFIX: '',
          },
          'staging',
          'cleanup',
        );
        expect(run.stderr).not.toContain('props staging cleanup');
        expect(run.code).toBe(0);
        expect(run.stdout.trimEnd().split('\n')).toEqual([
          expect.stringMatching(/^staging cleanup \(bigquery staging tables\): 1 removed, last written before \S+$/),
          `  removed nba_predictions.${stagingTableName('batch_dead', 'batch_dead.alpha')}`,
          expect.stringMatching(/^rejected messages cleanup \(bigquery\): 1 removed, recorded before \S+$/),
        ]);
        const tables = (
          await connection.runAndReadAll(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'nba_predictions' AND table_name LIKE '\\_staging\\_%' ESCAPE '\\'",
          )
        ).getRows();
        expect(tables).toEqual([[stagingTableName('batch_live', 'batch_live.alpha')]]);
        const left = await connection.runAndReadAll('SELECT message_id FROM nba_predictions.rejected_messages');
        expect(left.getRows()).toEqual([['batch_recent.alpha']]);
      } finally {
        await bigquery.stop();
      }
    });
  }, 240_000);
});

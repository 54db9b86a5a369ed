import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectedMessage } from '@props/contracts';
import { BigQueryRestEmulator } from '@props/emulators';
import { bigQueryClient } from '@props/gcp-clients';
import { ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { BigQueryRejectedMessageStore } from './bigquery-rejected-message-store';

describe('BigQueryRejectedMessageStore (through the real client against the loopback BigQuery endpoint)', () => {
  it('records a rejected push with its ids, field, problem and the body to replay', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-rejected-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const store = new BigQueryRejectedMessageStore(bigQueryClient('props-test', await emulator.start()), {
        projectId: 'props-test',
        dataset: 'nba_predictions',
        location: 'us-west2',
      });
      try {
        const body = {
          message: { data: 'e30=', messageId: '17', attributes: { props_message_id: 'batch_x.alpha' } },
          subscription: 'projects/p/subscriptions/worker-push',
        };
        await store.record(
          rejectedMessage('worker', body, { field: 'message.data.player_lookup', problem: 'expected string' }),
        );
        await store.record(
          rejectedMessage('coordinator', 'not an envelope', { field: '(root)', problem: 'expected a JSON object' }),
        );
        const rows = (
          await connection.runAndReadAll(
            'SELECT service, subscription, delivery_id, message_id, field, body FROM nba_predictions.rejected_messages ORDER BY service DESC',
          )
        ).getRows();
        expect(rows).toEqual([
          [
            'worker',
            'projects/p/subscriptions/worker-push',
            '17',
            'batch_x.alpha',
            'message.data.player_lookup',
            JSON.stringify(body),
          ],
          ['coordinator', null, null, null, '(root)', '"not an envelope"'],
        ]);
      } finally {
        await emulator.stop();
      }
    });
  });

  it('stores at most 100 rejections of one batch, counts the rest, and removes the old ones', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'props-bq-rejected-')), 'warehouse.duckdb');
    await withWarehouse(path, async (connection) => {
      await ensureWarehouseTables(connection);
      const emulator = new BigQueryRestEmulator(connection);
      const store = new BigQueryRejectedMessageStore(bigQueryClient('props-test', await emulator.start()), {
        projectId: 'props-test',
        dataset: 'nba_predictions',
        location: 'us-west2',
      });
      try {
        const rejection = (batch: string, index: number) =>
          rejectedMessage(
            'worker',
            {
              message: { data: 'e30=', messageId: `d${index}`, attributes: { props_message_id: `${batch}.p${index}` } },
            },
            { field: 'message.data.player_lookup', problem: 'expected string' },
          );
        const outcomes = [];
        for (let index = 0; index < 102; index += 1) outcomes.push(await store.record(rejection('batch_b', index)));
        expect(outcomes.slice(0, 100).every((outcome) => outcome.stored)).toBe(true);
        expect(outcomes.slice(100)).toEqual([
          { stored: false, overCap: 1 },
          { stored: false, overCap: 2 },
        ]);
        // Another batch, and a rejection naming none, have caps of their own.
        expect(await store.record(rejection('batch_c', 0))).toEqual({ stored: true });
        expect(await store.record(rejectedMessage('worker', {}, { field: 'message', problem: 'required' }))).toEqual({
          stored: true,
        });
        const count = async () =>
          Number(
            (await connection.runAndReadAll('SELECT count(*) FROM nba_predictions.rejected_messages')).getRows()[0]![0],
          );
        expect(await count()).toBe(102);
        expect(await store.removeOlderThan(new Date(Date.now() - 3_600_000))).toBe(0);
        expect(await store.removeOlderThan(new Date(Date.now() + 60_000))).toBe(102);
        expect(await count()).toBe(0);
      } finally {
        await emulator.stop();
      }
    });
  }, 240_000);
});

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { seedWarehouse } from '@props/season';
import { WarehouseSchemaError, withWarehouse } from '@props/warehouse';
import { bigQueryClient } from '@props/gcp-clients';
import { DuckdbGradingStore, gradeDate } from '../index';
import { stagePredictions } from '../test-support/staged-predictions';
import { BigQueryGradingStore } from './bigquery-grading-store';

const DATE = '2025-03-15';
let seeded: string;

beforeAll(async () => {
  seeded = (
    await seedWarehouse({
      samplesDir: 'data/nba-samples',
      out: join(mkdtempSync(join(tmpdir(), 'props-bq-grading-')), 'warehouse.duckdb'),
      seed: 7,
    })
  ).out;
  await stagePredictions(seeded, DATE);
}, 120_000);

function copy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'props-bq-grading-')), 'warehouse.duckdb');
  copyFileSync(seeded, path);
  return path;
}

async function onBigQuery<T>(
  path: string,
  work: (store: BigQueryGradingStore, emulator: BigQueryRestEmulator) => Promise<T>,
): Promise<T> {
  return withWarehouse(path, async (connection) => {
    const emulator = new BigQueryRestEmulator(connection);
    const endpoint = await emulator.start();
    try {
      return await work(
        new BigQueryGradingStore(bigQueryClient('props-test', endpoint), {
          projectId: 'props-test',
          location: 'us-west2',
        }),
        emulator,
      );
    } finally {
      await emulator.stop();
    }
  });
}

describe('grading on BigQuery (through the real client against a loopback BigQuery endpoint)', () => {
  it('grades like the DuckDB store and writes the date partition with a WRITE_TRUNCATE load job, so a re-grade replaces', async () => {
    const local = await withWarehouse(copy(), (connection) => gradeDate(new DuckdbGradingStore(connection), DATE));
    const path = copy();
    const first = await onBigQuery(path, async (store, emulator) => {
      const result = await gradeDate(store, DATE);
      const load = emulator.requests.find((request) => request.path.startsWith('/upload/')) as {
        body: {
          configuration: {
            load: { destinationTable: { tableId: string }; writeDisposition: string; sourceFormat: string };
          };
        };
      };
      expect(load.body.configuration.load).toMatchObject({
        destinationTable: { tableId: 'prediction_accuracy$20250315' },
        writeDisposition: 'WRITE_TRUNCATE',
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
      });
      return result;
    });
    expect(first.systems).toEqual(local.systems);
    expect(first.replaced).toBe(0);
    const again = await onBigQuery(path, (store) => gradeDate(store, DATE));
    expect(again.replaced).toBe(first.rows.length);
    const stored = await withWarehouse(path, async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            `SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = '${DATE}'`,
          )
        ).getRows()[0]![0],
      ),
    );
    expect(stored).toBe(first.rows.length);
  });

  it('refuses a grading table lacking a column it writes before writing anything, naming the column', async () => {
    const path = copy();
    await withWarehouse(path, (connection) =>
      connection.run(
        'DROP INDEX nba_predictions.prediction_accuracy_key; ALTER TABLE nba_predictions.prediction_accuracy DROP COLUMN void_reason',
      ),
    );
    await onBigQuery(path, async (store, emulator) => {
      await expect(gradeDate(store, DATE)).rejects.toThrow(WarehouseSchemaError);
      await expect(gradeDate(store, DATE)).rejects.toThrow(
        "table nba_predictions.prediction_accuracy lacks void_reason STRING; bring it to this build's shape: PROPS_BACKEND=gcp props warehouse migrate",
      );
      expect(emulator.requests.some((request) => request.path.startsWith('/upload/'))).toBe(false);
    });
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator, emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { seedWarehouse } from '@props/season';
import { WAREHOUSE_TABLES, datasetName, withWarehouse } from '@props/warehouse';
import { propsAsync } from '../test-support/props-process';

const root = resolve(import.meta.dirname, '../../../..');
const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
const missing = emulatorUnavailable('firestore');
if (missing && !required) console.log(`gcp backfill contract skipped: ${missing}`);

describe.skipIf(missing !== undefined && !required)(
  'props backfill on the gcp backend: BigQuery through its REST API, Firestore emulator (contract)',
  () => {
    let firestore: RunningEmulator;
    let warehouse: string;

    beforeAll(async () => {
      firestore = await startEmulator('firestore');
      warehouse = (
        await seedWarehouse({
          samplesDir: join(root, 'data', 'nba-samples'),
          out: join(mkdtempSync(join(tmpdir(), 'props-backfill-gcp-')), 'warehouse.duckdb'),
          seed: 7,
        })
      ).out;
    }, 180_000);
    afterAll(() => firestore?.stop());

    it("backtests a range on a dataset prefix as the Cloud Run job would: one load job per date, merged once, graded, production's tables untouched", async () => {
      await withWarehouse(warehouse, async (connection) => {
        // The backtest datasets of prefix "bt": copies of every table, as a staging project would have them.
        for (const table of WAREHOUSE_TABLES) {
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${datasetName(table, 'bt')}`);
          await connection.run(
            `CREATE TABLE ${datasetName(table, 'bt')}.${table.name} AS SELECT * FROM ${datasetName(table)}.${table.name}`,
          );
        }
        const bigquery = new BigQueryRestEmulator(connection);
        const endpoint = await bigquery.start();
        try {
          const gcp = {
            ...process.env,
            PROPS_BACKEND: 'gcp',
            GCP_PROJECT_ID: 'props-test',
            PROPS_BIGQUERY_ENDPOINT: endpoint,
            FIRESTORE_EMULATOR_HOST: firestore.host,
            METADATA_SERVER_DETECTION: 'none',
          };
          const run = await propsAsync(
            gcp,
            'backfill',
            '--from',
            '2025-03-14',
            '--to',
            '2025-03-16',
            '--dataset-prefix',
            'bt',
            '--json',
          );
          expect(run.code, run.stderr).toBe(0);
          const report = JSON.parse(run.stdout) as {
            totals: { done: number; rows: number };
            dates: Array<{ game_date: string; batch_id: string; rows: number; graded: number }>;
          };
          expect(report.totals.done).toBe(3);

          const read = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
          for (const date of report.dates) {
            expect(date.rows).toBeGreaterThan(200);
            expect(
              await read(
                `SELECT count(*) FROM bt_nba_predictions.player_prop_predictions WHERE game_date = DATE '${date.game_date}' AND batch_id = '${date.batch_id}'`,
              ),
            ).toBe(date.rows);
            expect(
              await read(
                `SELECT count(*) FROM bt_nba_orchestration.prediction_batches WHERE batch_id = '${date.batch_id}'`,
              ),
            ).toBe(1);
            expect(
              await read(
                `SELECT count(*) FROM bt_nba_predictions.prediction_accuracy WHERE game_date = DATE '${date.game_date}'`,
              ),
            ).toBe(date.graded);
          }
          expect(
            await read(
              `SELECT count(*) FROM (SELECT 1 FROM bt_nba_predictions.player_prop_predictions GROUP BY game_id, player_lookup, system_id, current_points_line HAVING count(*) > 1)`,
            ),
          ).toBe(0);
          expect(await read('SELECT count(*) FROM nba_predictions.player_prop_predictions')).toBe(0);
          expect(await read('SELECT count(*) FROM nba_predictions.prediction_accuracy')).toBe(0);
          expect(
            await read(
              `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '\\_staging\\_%' ESCAPE '\\'`,
            ),
          ).toBe(0);
          // One staging load job per date: the rows of a date travel together.
          const stagingLoads = bigquery.requests.filter(
            (request) =>
              request.path === '/upload/bigquery/v2/projects/props-test/jobs' &&
              JSON.stringify(request.body).includes('"tableId":"_staging_'),
          );
          expect(stagingLoads.length).toBe(3);
        } finally {
          await bigquery.stop();
        }
      });
    }, 400_000);
  },
);

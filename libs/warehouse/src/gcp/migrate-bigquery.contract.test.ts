import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { withWarehouse } from '../local/duckdb-warehouse';
import { ensureWarehouseTables } from '../local/warehouse-schema';
import { migrateBigQueryWarehouse } from './migrate-bigquery';
import { MigrationRefusedError } from '../migration-plan';

/** player_prop_predictions as the previous build created it in BigQuery: 22 columns, `line` for the line. */
const VERSION_4_PREDICTIONS = `
DROP TABLE nba_predictions.player_prop_predictions;
CREATE TABLE nba_predictions.player_prop_predictions (
  prediction_id VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, message_id VARCHAR NOT NULL, system_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
  player_lookup VARCHAR NOT NULL, game_id VARCHAR NOT NULL, game_date DATE NOT NULL, line DECIMAL(4,1), line_source VARCHAR, sportsbook VARCHAR,
  predicted_points DECIMAL(5,1) NOT NULL, confidence_score DOUBLE NOT NULL, recommendation VARCHAR NOT NULL, line_margin DOUBLE, is_actionable BOOLEAN NOT NULL,
  filter_reason VARCHAR, feature_quality_score DOUBLE, is_fallback BOOLEAN NOT NULL, details VARCHAR, created_at TIMESTAMPTZ NOT NULL, fencing_token BIGINT NOT NULL);
INSERT INTO nba_predictions.player_prop_predictions
  SELECT 'p' || i, 'batch_old', 'm' || i, 'catboost_v8', 'v8', 'player' || i, '20250315_BOS_LAL', DATE '2025-03-15', CASE WHEN i % 3 = 0 THEN NULL ELSE 20.5 + i END,
    CASE WHEN i % 3 = 0 THEN 'NO_LINE' ELSE 'ACTUAL_PROP' END, 'DRAFTKINGS', 21.0 + i, 0.8, 'OVER', 0.5, true, NULL, 90, false, '{}', TIMESTAMPTZ '2025-03-15 18:00:00+00', 7 FROM range(30) AS t(i);
DROP TABLE nba_predictions.system_daily_performance;`;

async function onEmulator<T>(
  prepare: string,
  work: (client: BigQuery, read: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const path = join(mkdtempSync(join(tmpdir(), 'props-bq-migrate-')), 'warehouse.duckdb');
  return withWarehouse(path, async (connection) => {
    await ensureWarehouseTables(connection);
    await connection.run(prepare);
    const emulator = new BigQueryRestEmulator(connection);
    const client = new BigQuery({ projectId: 'props-migrate', apiEndpoint: await emulator.start() });
    try {
      return await work(client, async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS());
    } finally {
      await emulator.stop();
    }
  });
}

describe('props warehouse migrate on BigQuery (through the real client against the loopback endpoint)', () => {
  it('adds and fills the consumer columns with every row kept, creates a missing table, and a second run changes nothing', async () => {
    await onEmulator(VERSION_4_PREDICTIONS, async (client, read) => {
      const options = { projectId: 'props-migrate', location: 'us-west2' };
      const changes = await migrateBigQueryWarehouse(client, options);
      expect(changes).toContain(
        'nba_predictions.player_prop_predictions: added current_points_line, existing rows copied from line',
      );
      expect(changes).toContain(
        'nba_predictions.player_prop_predictions: added is_active (as NULLABLE: a required column added to a table with rows), existing rows set to TRUE',
      );
      expect(changes).toContain('nba_predictions.system_daily_performance: created');
      const rows = await read(
        'SELECT CAST(line AS DOUBLE) AS line, CAST(current_points_line AS DOUBLE) AS current, has_prop_line, is_active, prediction_version FROM nba_predictions.player_prop_predictions ORDER BY prediction_id',
      );
      expect(rows).toHaveLength(30);
      expect(
        rows.every(
          (row) =>
            row.line === row.current &&
            row.is_active === true &&
            Number(row.prediction_version) === 1 &&
            row.has_prop_line === (row.current !== null),
        ),
      ).toBe(true);
      const [described] = await client.dataset('nba_predictions').table('player_prop_predictions').getMetadata();
      const fields = (described as { schema: { fields: { name: string; type: string }[] } }).schema.fields;
      expect(fields.find((field) => field.name === 'key_factors')?.type).toBe('JSON');
      expect(fields.find((field) => field.name === 'injury_checked_at')?.type).toBe('TIMESTAMP');
      expect(await migrateBigQueryWarehouse(client, options)).toEqual([]);
    });
  }, 120_000);

  it('runs on an endpoint that refuses what BigQuery refuses: a REQUIRED column added to a table with rows, an UPDATE without WHERE', async () => {
    await onEmulator(VERSION_4_PREDICTIONS, async (client) => {
      const table = '`props-migrate.nba_predictions.player_prop_predictions`';
      await expect(
        client.createQueryJob({
          query: `ALTER TABLE ${table} ADD COLUMN is_active BOOL NOT NULL`,
          location: 'us-west2',
        }),
      ).rejects.toThrow('Cannot add required fields to an existing schema. (field: is_active)');
      await expect(
        client.createQueryJob({ query: `UPDATE ${table} SET sportsbook = 'FANDUEL'`, location: 'us-west2' }),
      ).rejects.toThrow('UPDATE must have a WHERE clause');
      // The migration sends neither, so it runs the same against the stricter endpoint.
      expect(await migrateBigQueryWarehouse(client, { projectId: 'props-migrate', location: 'us-west2' })).toContain(
        'nba_predictions.player_prop_predictions: added is_active (as NULLABLE: a required column added to a table with rows), existing rows set to TRUE',
      );
    });
  }, 120_000);

  it('refuses, before changing anything, a column whose type would change', async () => {
    await onEmulator(
      `${VERSION_4_PREDICTIONS}\nALTER TABLE nba_predictions.player_prop_predictions ALTER COLUMN confidence_score TYPE VARCHAR;`,
      async (client, read) => {
        const refused = migrateBigQueryWarehouse(client, { projectId: 'props-migrate', location: 'us-west2' });
        await expect(refused).rejects.toThrow(MigrationRefusedError);
        await expect(refused).rejects.toThrow(
          "nba_predictions.player_prop_predictions.confidence_score is STRING in the warehouse and FLOAT64 in this build; changing a column's type can lose data",
        );
        expect(
          await read(
            "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'player_prop_predictions'",
          ),
        ).toEqual([{ n: 22n }]);
      },
    );
  }, 120_000);
});

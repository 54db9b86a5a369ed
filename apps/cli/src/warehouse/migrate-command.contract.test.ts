import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { SYSTEM_DAILY_PERFORMANCE, ensureWarehouseTables, withWarehouse } from '@props/warehouse';
import { propsAsync } from '../test-support/props-process';

const GCP = { PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test', PROPS_DATASET_PREFIX: '' };

/** The CLI's migrate on gcp against a loopback BigQuery endpoint over a warehouse first changed by `prepare`. */
async function migrateOnGcp(prepare: string, runs: number) {
  const folder = mkdtempSync(join(tmpdir(), 'props-migrate-bq-'));
  try {
    return await withWarehouse(join(folder, 'warehouse.duckdb'), async (connection) => {
      await ensureWarehouseTables(connection);
      await connection.run(prepare);
      const bigquery = new BigQueryRestEmulator(connection);
      const endpoint = await bigquery.start();
      try {
        const outcomes = [];
        for (let run = 0; run < runs; run += 1)
          outcomes.push(await propsAsync({ ...GCP, PROPS_BIGQUERY_ENDPOINT: endpoint }, 'warehouse', 'migrate'));
        const columns = (
          await connection.runAndReadAll(
            "SELECT table_name, count(*) FROM information_schema.columns WHERE table_schema = 'nba_predictions' GROUP BY ALL ORDER BY 1",
          )
        ).getRows();
        return { outcomes, columns: new Map(columns.map(([table, count]) => [String(table), Number(count)])) };
      } finally {
        await bigquery.stop();
      }
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('props warehouse migrate, on gcp (the real CLI through the BigQuery REST API, loopback endpoint)', () => {
  it('creates a missing table, says so, and a second run changes nothing', async () => {
    const { outcomes, columns } = await migrateOnGcp('DROP TABLE nba_predictions.system_daily_performance', 2);
    const [first, second] = outcomes;
    expect(first!.stderr).not.toContain('props warehouse migrate');
    expect(first!.code).toBe(0);
    expect(first!.stdout).toMatch(/^BigQuery project props-test: migrated\n/);
    expect(first!.stdout).toContain('  nba_predictions.system_daily_performance: created');
    expect(second!.code).toBe(0);
    expect(second!.stdout).toBe(
      "BigQuery project props-test: every table already has this build's shape; nothing changed\n",
    );
    expect(columns.get('system_daily_performance')).toBe(SYSTEM_DAILY_PERFORMANCE.columns.length);
  }, 240_000);

  it('refuses a column whose type would change with exit 1, naming it, and changes nothing', async () => {
    const { outcomes, columns } = await migrateOnGcp(
      `DROP TABLE nba_predictions.system_daily_performance;
       CREATE TABLE nba_predictions.system_daily_performance (game_date VARCHAR, system_id VARCHAR)`,
      1,
    );
    const [refused] = outcomes;
    expect(refused!.code).toBe(1);
    expect(refused!.stdout).toBe('');
    expect(refused!.stderr).toContain(
      "nba_predictions.system_daily_performance.game_date is STRING in the warehouse and DATE in this build; changing a column's type can lose data",
    );
    expect(columns.get('system_daily_performance')).toBe(2);
  }, 240_000);
});

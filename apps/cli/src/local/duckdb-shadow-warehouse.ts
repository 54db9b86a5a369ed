import type { DuckDBConnection } from '@duckdb/node-api';
import { insertRows, renderDuckdbDdl, requireWarehouseFile, withWarehouse } from '@props/warehouse';
import { SHADOW_COMPARISONS } from '../shadow/shadow-table';
import { groupHistory, shadowSql, storedRows, type ShadowWarehouse } from '../shadow/shadow-warehouse';

const date = (name: string) => `CAST($${name} AS DATE)`;

/** `props shadow` on the local DuckDB warehouse (opened for each read, as every CLI command does). */
export class DuckdbShadowWarehouse implements ShadowWarehouse {
  constructor(private readonly path: string) {
    requireWarehouseFile(path);
  }

  private read(sql: string, values: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
    return withWarehouse(this.path, async (connection: DuckDBConnection) =>
      (await connection.runAndReadAll(sql, values)).getRowObjectsJS(),
    );
  }

  async tableExists(dataset: string, table: string): Promise<boolean> {
    const rows = await this.read(
      'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $dataset AND table_name = $table',
      { dataset, table },
    );
    return Number(rows[0]?.n) > 0;
  }

  async predictions(dataset: string, gameDate: string) {
    return storedRows(
      await this.read(shadowSql.predictions(`${dataset}.player_prop_predictions`, date, 'DOUBLE'), {
        game_date: gameDate,
      }),
    );
  }

  async features(dataset: string, gameDate: string) {
    const rows = await this.read(shadowSql.features(`${dataset}.ml_feature_store_v2`, date), { game_date: gameDate });
    return new Map(rows.map((row) => [String(row.player_lookup), (row.features as unknown[]).map(Number)]));
  }

  async history(dataset: string, gameDate: string, since: string) {
    return groupHistory(
      await this.read(shadowSql.history(`${dataset}.player_game_summary`, date, 'VARCHAR', 'DOUBLE'), {
        game_date: gameDate,
        since,
      }),
    );
  }

  async record(prefix: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    await withWarehouse(this.path, async (connection) => {
      await connection.run(renderDuckdbDdl(SHADOW_COMPARISONS, prefix, false));
      await insertRows(connection, SHADOW_COMPARISONS, rows, prefix);
    });
  }
}

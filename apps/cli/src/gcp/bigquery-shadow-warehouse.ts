import type { BigQuery } from '@google-cloud/bigquery';
import { datasetName, type ColumnType } from '@props/warehouse';
import { SHADOW_COMPARISONS } from '../shadow/shadow-table';
import { groupHistory, shadowSql, storedRows, type ShadowWarehouse } from '../shadow/shadow-warehouse';

const date = (name: string) => `@${name}`;

function ddlType(type: ColumnType): string {
  if (type.kind === 'NUMERIC') return `NUMERIC(${type.precision}, ${type.scale})`;
  if (type.kind === 'ARRAY') return `ARRAY<${type.of}>`;
  return type.kind;
}

/** `props shadow` on BigQuery: parameterized query jobs; the results table made with DDL and appended with DML. */
export class BigQueryShadowWarehouse implements ShadowWarehouse {
  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string },
  ) {}

  private table(dataset: string, table: string): string {
    return `\`${this.options.projectId}.${dataset}.${table}\``;
  }

  private async read(
    query: string,
    params: Record<string, unknown> = {},
    types: Record<string, string> = {},
  ): Promise<Record<string, unknown>[]> {
    const [job] = await this.client.createQueryJob({ query, params, types, location: this.options.location });
    return (await job.getQueryResults())[0] as Record<string, unknown>[];
  }

  private dates(values: Record<string, string>) {
    return {
      params: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, this.client.date(value)])),
      types: Object.fromEntries(Object.keys(values).map((name) => [name, 'DATE'])),
    };
  }

  async tableExists(dataset: string, table: string): Promise<boolean> {
    // tables.get: 404 when the dataset or the table is missing (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/get).
    const [exists] = await this.client.dataset(dataset).table(table).exists();
    return exists;
  }

  async predictions(dataset: string, gameDate: string) {
    const { params, types } = this.dates({ game_date: gameDate });
    return storedRows(
      await this.read(
        shadowSql.predictions(this.table(dataset, 'player_prop_predictions'), date, 'FLOAT64'),
        params,
        types,
      ),
    );
  }

  async features(dataset: string, gameDate: string) {
    const { params, types } = this.dates({ game_date: gameDate });
    const rows = await this.read(shadowSql.features(this.table(dataset, 'ml_feature_store_v2'), date), params, types);
    return new Map(rows.map((row) => [String(row.player_lookup), (row.features as unknown[]).map(Number)]));
  }

  async history(dataset: string, gameDate: string, since: string) {
    const { params, types } = this.dates({ game_date: gameDate, since });
    return groupHistory(
      await this.read(
        shadowSql.history(this.table(dataset, 'player_game_summary'), date, 'STRING', 'FLOAT64'),
        params,
        types,
      ),
    );
  }

  async record(prefix: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    const name = this.table(datasetName(SHADOW_COMPARISONS, prefix), SHADOW_COMPARISONS.name);
    const columns = SHADOW_COMPARISONS.columns;
    await this.read(
      `CREATE TABLE IF NOT EXISTS ${name} (${columns
        .map((column) => `${column.name} ${ddlType(column.type)}${column.required ? ' NOT NULL' : ''}`)
        .join(', ')}) PARTITION BY ${SHADOW_COMPARISONS.partitionBy}`,
    );
    for (const row of rows) {
      const params: Record<string, unknown> = {};
      const types: Record<string, string> = {};
      for (const column of columns) {
        const value = row[column.name] ?? null;
        types[column.name] = column.type.kind;
        params[column.name] =
          value === null
            ? null
            : column.type.kind === 'DATE'
              ? this.client.date(String(value))
              : column.type.kind === 'TIMESTAMP'
                ? this.client.timestamp(String(value))
                : value;
      }
      await this.read(
        `INSERT INTO ${name} (${columns.map((column) => column.name).join(', ')}) VALUES (${columns
          .map((column) => `@${column.name}`)
          .join(', ')})`,
        params,
        types,
      );
    }
  }
}

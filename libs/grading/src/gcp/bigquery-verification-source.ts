import type { BigQuery } from '@google-cloud/bigquery';
import {
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_BATCHES,
  datasetName,
  validateDatasetPrefix,
  type TableDefinition,
} from '@props/warehouse';
import type { VerificationScope, VerificationSource } from '../verification';

/** Verification reads on BigQuery: parameterized query jobs (the seed's model_version query, generalized). */
export class BigQueryVerificationSource implements VerificationSource {
  private readonly prefix: string;

  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string; datasetPrefix?: string },
  ) {
    this.prefix = validateDatasetPrefix(options.datasetPrefix ?? '');
  }

  private table(definition: TableDefinition): string {
    return `\`${this.options.projectId}.${datasetName(definition, this.prefix)}.${definition.name}\``;
  }

  private async read(
    scope: VerificationScope,
    sql: (where: string, batchWhere: string) => string,
  ): Promise<Record<string, unknown>[]> {
    const byDate = 'date' in scope;
    const [job] = await this.client.createQueryJob({
      query: sql(
        byDate ? 'game_date = @scope' : 'created_at >= @scope',
        byDate ? 'game_date = @scope' : 'consolidated_at >= @scope',
      ),
      params: { scope: byDate ? this.client.date(scope.date) : this.client.timestamp(scope.since) },
      types: { scope: byDate ? 'DATE' : 'TIMESTAMP' },
      location: this.options.location,
    });
    return (await job.getQueryResults())[0] as Record<string, unknown>[];
  }

  async modelVersions(scope: VerificationScope) {
    const rows = await this.read(
      scope,
      (where) =>
        `SELECT system_id, COALESCE(NULLIF(TRIM(model_version), ''), '(none)') AS model_version, COUNT(*) AS n, COUNT(DISTINCT player_lookup) AS players FROM ${this.table(PLAYER_PROP_PREDICTIONS)} WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return rows.map((row) => ({
      systemId: String(row.system_id),
      modelVersion: String(row.model_version),
      rows: Number(row.n),
      players: Number(row.players),
    }));
  }

  async batchExpectation(scope: VerificationScope) {
    const [row] = await this.read(
      scope,
      (_, batchWhere) =>
        `SELECT COALESCE(SUM(players_expected), 0) AS expected, COUNT(*) AS batches FROM (SELECT * FROM ${this.table(PREDICTION_BATCHES)} WHERE ${batchWhere} QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date ORDER BY consolidated_at DESC) = 1)`,
    );
    return { expected: Number(row!.expected), batches: Number(row!.batches) };
  }

  async playersPredicted(scope: VerificationScope) {
    const pair = 'CONCAT(CAST(game_date AS STRING), player_lookup)';
    const perSystem = await this.read(
      scope,
      (where) =>
        `SELECT system_id, COUNT(DISTINCT ${pair}) AS players FROM ${this.table(PLAYER_PROP_PREDICTIONS)} WHERE ${where} GROUP BY 1 ORDER BY 1`,
    );
    const [total] = await this.read(
      scope,
      (where) => `SELECT COUNT(DISTINCT ${pair}) AS players FROM ${this.table(PLAYER_PROP_PREDICTIONS)} WHERE ${where}`,
    );
    return {
      perSystem: perSystem.map((row) => ({ systemId: String(row.system_id), players: Number(row.players) })),
      total: Number(total!.players),
    };
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { PLAYER_PROP_PREDICTIONS, PREDICTION_BATCHES, qualifiedTableName } from '@props/warehouse';
import type { VerificationScope, VerificationSource } from '../verification';

/** Verification reads on the local DuckDB warehouse (a dataset prefix reads that prefix's tables). */
export class DuckdbVerificationSource implements VerificationSource {
  private readonly predictions: string;
  private readonly batches: string;

  constructor(
    private readonly connection: DuckDBConnection,
    datasetPrefix = '',
  ) {
    this.predictions = qualifiedTableName(PLAYER_PROP_PREDICTIONS, datasetPrefix);
    this.batches = qualifiedTableName(PREDICTION_BATCHES, datasetPrefix);
  }

  private async read(scope: VerificationScope, sql: (where: string) => string): Promise<Record<string, unknown>[]> {
    const [where, parameter] =
      'date' in scope
        ? ['game_date = CAST($1 AS DATE)', scope.date]
        : ['created_at >= CAST($1 AS TIMESTAMPTZ)', scope.since];
    return (await this.connection.runAndReadAll(sql(where), [parameter])).getRowObjectsJS();
  }

  async modelVersions(scope: VerificationScope) {
    const rows = await this.read(
      scope,
      (where) =>
        `SELECT system_id, coalesce(nullif(trim(model_version), ''), '(none)') AS model_version, count(*) AS n, count(DISTINCT player_lookup) AS players FROM ${this.predictions} WHERE ${where} GROUP BY ALL ORDER BY 1, 2`,
    );
    return rows.map((row) => ({
      systemId: String(row.system_id),
      modelVersion: String(row.model_version),
      rows: Number(row.n),
      players: Number(row.players),
    }));
  }

  async batchExpectation(scope: VerificationScope) {
    const [row] = await this.read(scope, () =>
      'date' in scope
        ? `SELECT coalesce(sum(players_expected), 0) AS expected, count(*) AS batches FROM (SELECT * FROM ${this.batches} WHERE game_date = CAST($1 AS DATE) QUALIFY row_number() OVER (ORDER BY consolidated_at DESC) = 1)`
        : `SELECT coalesce(sum(players_expected), 0) AS expected, count(*) AS batches FROM (SELECT * FROM ${this.batches} WHERE consolidated_at >= CAST($1 AS TIMESTAMPTZ) QUALIFY row_number() OVER (PARTITION BY game_date ORDER BY consolidated_at DESC) = 1)`,
    );
    return { expected: Number(row!.expected), batches: Number(row!.batches) };
  }

  async playersPredicted(scope: VerificationScope) {
    const perSystem = await this.read(
      scope,
      (where) =>
        `SELECT system_id, count(DISTINCT (game_date, player_lookup)) AS players FROM ${this.predictions} WHERE ${where} GROUP BY ALL ORDER BY 1`,
    );
    const [total] = await this.read(
      scope,
      (where) => `SELECT count(DISTINCT (game_date, player_lookup)) AS players FROM ${this.predictions} WHERE ${where}`,
    );
    return {
      perSystem: perSystem.map((row) => ({ systemId: String(row.system_id), players: Number(row.players) })),
      total: Number(total!.players),
    };
  }
}

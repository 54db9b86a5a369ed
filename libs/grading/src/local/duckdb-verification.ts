import type { DuckDBConnection } from '@duckdb/node-api';
import { PLAYER_PROP_PREDICTIONS, PREDICTION_BATCHES, qualifiedTableName } from '@props/warehouse';

/** Systems every predicted player must get; similarity skips players without similar games by design. */
export const REQUIRED_SYSTEMS = ['catboost_v8', 'xgboost_v1', 'moving_average', 'zone_matchup_v1', 'ensemble_v1'] as const;

export type VerificationScope = { date: string } | { since: string };

export interface Verification {
  scope: string;
  rows: number;
  rowsWithoutModelVersion: number;
  modelVersions: { systemId: string; modelVersion: string; rows: number; share: number; players: number }[];
  expectedPlayers: number;
  expectedFrom: string;
  coverage: { systemId: string; players: number; coverage: number; required: boolean }[];
  failures: string[];
}

/**
 * The seed's model_version check (rows, share and players per model_version) and coverage
 * (players predicted per system against players expected by the batches), with the reasons to fail.
 */
export async function verifyPredictions(connection: DuckDBConnection, scope: VerificationScope, minCoverage: number): Promise<Verification> {
  const predictions = qualifiedTableName(PLAYER_PROP_PREDICTIONS);
  const [where, parameter] = 'date' in scope ? ['game_date = CAST($1 AS DATE)', scope.date] : ['created_at >= CAST($1 AS TIMESTAMPTZ)', scope.since];
  const read = async (sql: string) => (await connection.runAndReadAll(sql, [parameter])).getRowObjectsJS();
  const versions = await read(
    `SELECT system_id, coalesce(nullif(trim(model_version), ''), '(none)') AS model_version, count(*) AS rows, count(DISTINCT player_lookup) AS players
     FROM ${predictions} WHERE ${where} GROUP BY ALL ORDER BY 1, 2`,
  );
  const rows = versions.reduce((sum, row) => sum + Number(row.rows), 0);
  const batches = await read(
    'date' in scope
      ? `SELECT coalesce(sum(players_expected), 0) AS expected, count(*) AS batches FROM (SELECT * FROM ${qualifiedTableName(PREDICTION_BATCHES)} WHERE game_date = CAST($1 AS DATE) QUALIFY row_number() OVER (ORDER BY consolidated_at DESC) = 1)`
      : `SELECT coalesce(sum(players_expected), 0) AS expected, count(*) AS batches FROM (SELECT * FROM ${qualifiedTableName(PREDICTION_BATCHES)} WHERE consolidated_at >= CAST($1 AS TIMESTAMPTZ) QUALIFY row_number() OVER (PARTITION BY game_date ORDER BY consolidated_at DESC) = 1)`,
  );
  const predictedPlayers = Number((await read(`SELECT count(DISTINCT (game_date, player_lookup)) AS players FROM ${predictions} WHERE ${where}`))[0]!.players);
  const fromBatches = Number(batches[0]!.batches) > 0;
  const expectedPlayers = fromBatches ? Number(batches[0]!.expected) : predictedPlayers;
  const perSystem = await read(`SELECT system_id, count(DISTINCT (game_date, player_lookup)) AS players FROM ${predictions} WHERE ${where} GROUP BY ALL ORDER BY 1`);
  const systems = new Set<string>([...REQUIRED_SYSTEMS, ...perSystem.map((row) => String(row.system_id))]);
  const coverage = [...systems].sort().map((systemId) => {
    const players = Number(perSystem.find((row) => row.system_id === systemId)?.players ?? 0);
    return { systemId, players, coverage: expectedPlayers === 0 ? 0 : players / expectedPlayers, required: (REQUIRED_SYSTEMS as readonly string[]).includes(systemId) };
  });
  const rowsWithoutModelVersion = versions.filter((row) => row.model_version === '(none)').reduce((sum, row) => sum + Number(row.rows), 0);
  const failures: string[] = [];
  if (rows === 0) failures.push('no predictions in scope');
  if (rowsWithoutModelVersion > 0) failures.push(`${rowsWithoutModelVersion} row(s) without a model_version`);
  for (const entry of coverage) {
    if (entry.required && rows > 0 && entry.coverage < minCoverage) failures.push(`${entry.systemId} covers ${(entry.coverage * 100).toFixed(1)}% of expected players, below ${(minCoverage * 100).toFixed(1)}%`);
  }
  return {
    scope: 'date' in scope ? `game_date ${scope.date}` : `created since ${scope.since}`,
    rows,
    rowsWithoutModelVersion,
    modelVersions: versions.map((row) => ({ systemId: String(row.system_id), modelVersion: String(row.model_version), rows: Number(row.rows), share: rows === 0 ? 0 : Number(row.rows) / rows, players: Number(row.players) })),
    expectedPlayers,
    expectedFrom: fromBatches ? 'the consolidated batches' : 'the predicted players (no batch record in scope)',
    coverage,
    failures,
  };
}

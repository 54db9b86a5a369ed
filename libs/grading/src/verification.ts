import { SYSTEM_IDS } from '@props/contracts';
/** Systems every predicted player must get; similarity skips players without similar games by design. */
export const REQUIRED_SYSTEMS = [
  SYSTEM_IDS.catboostV8,
  SYSTEM_IDS.xgboost,
  SYSTEM_IDS.movingAverage,
  SYSTEM_IDS.zoneMatchup,
  SYSTEM_IDS.ensemble,
  SYSTEM_IDS.ensembleV1_1,
] as const;

export type VerificationScope = { date: string } | { since: string };

/** The reads verification needs; DuckDB and BigQuery each answer them in their own SQL. */
export interface VerificationSource {
  /** Rows and players per system and model_version ('(none)' for an empty one). */
  modelVersions(
    scope: VerificationScope,
  ): Promise<{ systemId: string; modelVersion: string; rows: number; players: number }[]>;
  /** Players the latest consolidated batch of each date in scope expected, and how many batches that is. */
  batchExpectation(scope: VerificationScope): Promise<{ expected: number; batches: number }>;
  /** Distinct (date, player) pairs predicted, per system and overall. */
  playersPredicted(
    scope: VerificationScope,
  ): Promise<{ perSystem: { systemId: string; players: number }[]; total: number }>;
}

/** How many games the schedule has on a date: tells a day without games from a day whose predictions are missing. */
export interface ScheduleReads {
  scheduledGames(gameDate: string): Promise<number>;
}

export interface Verification {
  scope: string;
  rows: number;
  /** Games scheduled on the date when it has no predictions (null when not asked: a --since scope, or rows exist). */
  scheduledGames: number | null;
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
 * With the schedule, a date without predictions passes when it had no games (All-Star break,
 * off-season) and fails naming its games when it had some.
 */
export async function verifyPredictions(
  source: VerificationSource,
  scope: VerificationScope,
  minCoverage: number,
  schedule: ScheduleReads | null,
): Promise<Verification> {
  const versions = await source.modelVersions(scope);
  const rows = versions.reduce((sum, row) => sum + row.rows, 0);
  const scheduledGames = rows === 0 && schedule && 'date' in scope ? await schedule.scheduledGames(scope.date) : null;
  const batches = await source.batchExpectation(scope);
  const predicted = await source.playersPredicted(scope);
  const fromBatches = batches.batches > 0;
  const expectedPlayers = fromBatches ? batches.expected : predicted.total;
  const systems = new Set<string>([...REQUIRED_SYSTEMS, ...predicted.perSystem.map((row) => row.systemId)]);
  const coverage = [...systems].sort().map((systemId) => {
    const players = predicted.perSystem.find((row) => row.systemId === systemId)?.players ?? 0;
    return {
      systemId,
      players,
      coverage: expectedPlayers === 0 ? 0 : players / expectedPlayers,
      required: (REQUIRED_SYSTEMS as readonly string[]).includes(systemId),
    };
  });
  const rowsWithoutModelVersion = versions
    .filter((row) => row.modelVersion === '(none)')
    .reduce((sum, row) => sum + row.rows, 0);
  const failures: string[] = [];
  if (rows === 0 && scheduledGames === null) failures.push('no predictions in scope');
  if (rows === 0 && scheduledGames !== null && scheduledGames > 0 && 'date' in scope)
    failures.push(`no predictions for ${scope.date}, which has ${scheduledGames} game(s) scheduled`);
  if (rowsWithoutModelVersion > 0) failures.push(`${rowsWithoutModelVersion} row(s) without a model_version`);
  for (const entry of coverage) {
    if (entry.required && rows > 0 && entry.coverage < minCoverage)
      failures.push(
        `${entry.systemId} covers ${(entry.coverage * 100).toFixed(1)}% of expected players, below ${(minCoverage * 100).toFixed(1)}%`,
      );
  }
  return {
    scope: 'date' in scope ? `game_date ${scope.date}` : `created since ${scope.since}`,
    rows,
    scheduledGames,
    rowsWithoutModelVersion,
    modelVersions: versions.map((row) => ({ ...row, share: rows === 0 ? 0 : row.rows / rows })),
    expectedPlayers,
    expectedFrom: fromBatches ? 'the consolidated batches' : 'the predicted players (no batch record in scope)',
    coverage,
    failures,
  };
}

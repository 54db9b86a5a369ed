import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { FEATURE_NAMES } from '@props/feature-vector';
import {
  ML_FEATURE_STORE,
  PLAYER_GAME_SUMMARY,
  PLAYER_PROP_PREDICTIONS,
  renderDuckdbDdl,
  withWarehouse,
} from '@props/warehouse';
import { propsAsync } from '../test-support/props-process';

const DATE = '2025-03-15';

/** A stored vector: averages of 20 points, fatigue as given, CatBoost's V8 inputs as the original filled them. */
function vector(fatigue: number): number[] {
  const values: Record<string, number> = {
    points_avg_last_5: 20,
    points_avg_last_10: 20,
    points_avg_season: 20,
    points_std_last_10: 5,
    fatigue_score: fatigue,
    opponent_def_rating: 112,
    opponent_pace: 100,
    team_pace: 100,
    team_off_rating: 112,
    team_win_pct: 0.5,
    vegas_points_line: 20,
    vegas_opening_line: 20,
    avg_points_vs_opponent: 20,
    minutes_avg_last_10: 30,
    ppm_avg_last_10: 0.4,
  };
  return FEATURE_NAMES.map((name) => values[name] ?? 0);
}

/**
 * Three players on the date: one rested (fatigue 80, the original's sign bug moves moving_average by
 * +2.5 and flips it across the line: explained), one at fatigue 50 whose zone matchup differs by a
 * point (no departure explains it), one with an xgboost_v1 row only on our side (explained).
 */
const ORIGINAL = [
  ['rested', 'moving_average', 20.0, 0.6, 'UNDER', 21.5],
  ['rested', 'zone_matchup_v1', 21.0, 0.6, 'PASS', 21.5],
  ['steady', 'moving_average', 18.0, 0.6, 'PASS', 18.5],
  ['steady', 'zone_matchup_v1', 18.0, 0.6, 'PASS', 18.5],
  ['rookie', 'moving_average', 10.0, 0.5, 'PASS', 9.5],
] as const;
const OURS = [
  ['rested', 'moving_average', 22.5, 0.6, 'OVER', 21.5],
  ['rested', 'zone_matchup_v1', 22.5, 0.6, 'PASS', 21.5],
  ['steady', 'moving_average', 18.0, 0.6, 'PASS', 18.5],
  ['steady', 'zone_matchup_v1', 19.0, 0.6, 'PASS', 18.5],
  ['rookie', 'moving_average', 10.0, 0.5, 'PASS', 9.5],
  ['rookie', 'xgboost_v1', 11.0, 0.8, 'OVER', 9.5],
] as const;
const FATIGUE: Record<string, number> = { rested: 80, steady: 50, rookie: 50 };

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function buildWarehouse(path: string): Promise<void> {
  await withWarehouse(path, async (connection) => {
    // The original's table as its worker writes it (the columns shadow reads, with its types).
    await connection.run('CREATE SCHEMA nba_predictions');
    await connection.run(`CREATE TABLE nba_predictions.player_prop_predictions (
      prediction_id VARCHAR, system_id VARCHAR, player_lookup VARCHAR, universal_player_id VARCHAR, game_date DATE,
      game_id VARCHAR, prediction_version BIGINT, predicted_points DECIMAL(5,1), confidence_score DECIMAL(5,2),
      recommendation VARCHAR, current_points_line DECIMAL(4,1), line_margin DECIMAL(5,2), has_prop_line BOOLEAN,
      line_source VARCHAR, model_version VARCHAR, is_active BOOLEAN, created_at TIMESTAMPTZ)`);
    for (const [player, system, points, confidence, recommendation, line] of ORIGINAL)
      await connection.run(
        `INSERT INTO nba_predictions.player_prop_predictions VALUES (gen_random_uuid()::VARCHAR, '${system}', '${player}', NULL,
         DATE '${DATE}', '20250315_AAA_BBB', 1, ${points}, ${confidence}, '${recommendation}', ${line}, ${points - line}, TRUE,
         'ACTUAL_PROP', NULL, TRUE, TIMESTAMPTZ '${DATE} 12:00:00+00')`,
      );
    // An older, superseded original row is not compared.
    await connection.run(
      `INSERT INTO nba_predictions.player_prop_predictions VALUES ('old', 'moving_average', 'rested', NULL, DATE '${DATE}',
       '20250315_AAA_BBB', 1, 5.0, 0.5, 'UNDER', 21.5, -16.5, TRUE, 'ACTUAL_PROP', NULL, TRUE, TIMESTAMPTZ '${DATE} 06:00:00+00')`,
    );
    // This project's rows in the prefixed dataset, in its own table shape.
    await connection.run(renderDuckdbDdl(PLAYER_PROP_PREDICTIONS, 'shadow'));
    for (const [player, system, points, confidence, recommendation, line] of OURS)
      await connection.run(
        `INSERT INTO shadow_nba_predictions.player_prop_predictions (prediction_id, system_id, player_lookup, game_date, game_id,
           prediction_version, predicted_points, confidence_score, recommendation, has_prop_line, is_actionable, model_version,
           is_active, created_at, batch_id, message_id, is_fallback, fencing_token, current_points_line, line_source)
         VALUES (gen_random_uuid()::VARCHAR, '${system}', '${player}', DATE '${DATE}', '20250315_AAA_BBB', 1, ${points}, ${confidence},
           '${recommendation}', TRUE, TRUE, '${system}', TRUE, TIMESTAMPTZ '${DATE} 13:00:00+00', 'b', 'm', FALSE, 1, ${line}, 'ACTUAL_PROP')`,
      );
    // The inputs both sides predicted from (production's: the shadow prefix has only predictions).
    for (const table of [ML_FEATURE_STORE, PLAYER_GAME_SUMMARY])
      await connection.run(renderDuckdbDdl(table, '', false));
    for (const player of Object.keys(FATIGUE))
      await connection.run(
        `INSERT INTO nba_predictions.ml_feature_store_v2 (player_lookup, game_date, game_id, features, feature_names, feature_count,
           feature_version, feature_quality_score, quality_tier, feature_sources, opponent_team_abbr, is_home, data_source,
           early_season_flag, created_at)
         VALUES ('${player}', DATE '${DATE}', '20250315_AAA_BBB', [${vector(FATIGUE[player]!).join(', ')}]::DOUBLE[],
           [${FEATURE_NAMES.map(sqlString).join(', ')}], 33, 'v2_33features', 90, 'high', [], 'BBB', FALSE, 'phase4', FALSE,
           TIMESTAMPTZ '${DATE} 10:00:00+00')`,
      );
  });
}

function shadowRows(path: string): Promise<Record<string, unknown>[]> {
  return withWarehouse(path, async (connection) =>
    (
      await connection.runAndReadAll(
        'SELECT system_id, original_players, our_players, both_players, over_under_flips, explained_differences, unexplained_differences, departures FROM shadow_nba_predictions.shadow_comparisons ORDER BY system_id',
      )
    ).getRowObjectsJS(),
  );
}

const EXPECTED_TABLE = [
  {
    system_id: 'moving_average',
    original_players: 3n,
    our_players: 3n,
    both_players: 3n,
    over_under_flips: 1n,
    explained_differences: 2n,
    unexplained_differences: 0n,
    departures: '{"fatigue-sign":2}',
  },
  {
    system_id: 'xgboost_v1',
    original_players: 0n,
    our_players: 1n,
    both_players: 0n,
    over_under_flips: 0n,
    explained_differences: 1n,
    unexplained_differences: 0n,
    departures: '{"xgboost-v1-real-model":1}',
  },
  {
    system_id: 'zone_matchup_v1',
    original_players: 2n,
    our_players: 2n,
    both_players: 2n,
    over_under_flips: 0n,
    explained_differences: 1n,
    unexplained_differences: 1n,
    departures: '{"fatigue-sign":1}',
  },
];

describe('props shadow', () => {
  let folder: string;
  let warehouse: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'props-shadow-'));
    warehouse = join(folder, 'warehouse.duckdb');
    await buildWarehouse(warehouse);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('compares the prefixed predictions with the original table, classifies each difference and records the result (local DuckDB)', async () => {
    const tolerant = await propsAsync(
      {},
      'shadow',
      '--date',
      DATE,
      '--dataset-prefix',
      'shadow',
      '--max-unexplained',
      '1',
      '--warehouse',
      warehouse,
    );
    expect(tolerant.stderr).not.toContain('shadow_unexplained_differences');
    expect(tolerant.code).toBe(0);
    expect(tolerant.stdout).toContain(
      'shadow 2025-03-15: shadow_nba_predictions.player_prop_predictions against nba_predictions.player_prop_predictions',
    );
    expect(tolerant.stdout).toContain('zone_matchup_v1 steady predicted_points: original 18, ours 19');
    expect(await shadowRows(warehouse)).toEqual(EXPECTED_TABLE);

    // Over the threshold: the alertable event, exit 1.
    const strict = await propsAsync(
      {},
      'shadow',
      '--date',
      DATE,
      '--dataset-prefix',
      'shadow',
      '--warehouse',
      warehouse,
    );
    expect(strict.code).toBe(1);
    const event = strict.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.event === 'shadow_unexplained_differences');
    expect(event).toMatchObject({
      severity: 'ERROR',
      unexplained: 1,
      max_unexplained: 0,
      systems: ['zone_matchup_v1'],
    });
  }, 300_000);

  it('names the bad input in one line: a date without original rows, a prefix without a dataset', async () => {
    const noRows = await propsAsync(
      {},
      'shadow',
      '--date',
      '2025-03-16',
      '--dataset-prefix',
      'shadow',
      '--warehouse',
      warehouse,
    );
    expect(noRows.code).toBe(1);
    expect(noRows.stderr).toBe(
      "props shadow: --date 2025-03-16: the original's table nba_predictions.player_prop_predictions has no rows for the date\n",
    );
    const noDataset = await propsAsync(
      {},
      'shadow',
      '--date',
      DATE,
      '--dataset-prefix',
      'nothere',
      '--warehouse',
      warehouse,
    );
    expect(noDataset.code).toBe(1);
    expect(noDataset.stderr).toBe(
      "props shadow: --dataset-prefix nothere: nothere_nba_predictions.player_prop_predictions does not exist (run this project's batches with that prefix first)\n",
    );
  }, 300_000);

  it('runs the same comparison on the gcp backend through the BigQuery REST API (loopback endpoint)', async () => {
    const copy = join(folder, 'bigquery.duckdb');
    await buildWarehouse(copy);
    await withWarehouse(copy, async (connection) => {
      const bigquery = new BigQueryRestEmulator(connection);
      const endpoint = await bigquery.start();
      try {
        const gcp = { PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test', PROPS_BIGQUERY_ENDPOINT: endpoint };
        const run = await propsAsync(
          gcp,
          'shadow',
          '--date',
          DATE,
          '--dataset-prefix',
          'shadow',
          '--max-unexplained',
          '1',
        );
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const missing = await propsAsync(gcp, 'shadow', '--date', DATE, '--dataset-prefix', 'nothere');
        expect(missing.stderr).toBe(
          "props shadow: --dataset-prefix nothere: nothere_nba_predictions.player_prop_predictions does not exist (run this project's batches with that prefix first)\n",
        );
        const noRows = await propsAsync(gcp, 'shadow', '--date', '2025-03-16', '--dataset-prefix', 'shadow');
        expect(noRows.stderr).toBe(
          "props shadow: --date 2025-03-16: the original's table nba_predictions.player_prop_predictions has no rows for the date\n",
        );
      } finally {
        await bigquery.stop();
      }
      expect(
        (
          await connection.runAndReadAll(
            'SELECT system_id, original_players, our_players, both_players, over_under_flips, explained_differences, unexplained_differences, departures FROM shadow_nba_predictions.shadow_comparisons ORDER BY system_id',
          )
        ).getRowObjectsJS(),
      ).toEqual(EXPECTED_TABLE);
    });
  }, 300_000);
});

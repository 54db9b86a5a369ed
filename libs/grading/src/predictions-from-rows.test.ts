import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PredictionRow } from '@props/contracts';
import { PLAYER_PROP_PREDICTIONS, ensureWarehouseTables, insertRows, withWarehouse } from '@props/warehouse';
import { DuckdbGradingStore, predictionsToGradeFromRows } from './index';

const DATE = '2025-01-15';

function row(player: string, system: string, overrides: Partial<PredictionRow> = {}): PredictionRow {
  return {
    prediction_id: `${player}-${system}`,
    system_id: system,
    player_lookup: player,
    universal_player_id: `${player}_001`,
    game_date: DATE,
    game_id: `20250115_${player.slice(0, 3).toUpperCase()}_BOS`,
    prediction_version: 1,
    predicted_points: 21.3,
    confidence_score: 0.7142857142857143,
    recommendation: 'OVER',
    current_points_line: 19.5,
    line_margin: 1.8,
    has_prop_line: true,
    line_source: 'ACTUAL_PROP',
    line_source_api: 'ODDS_API',
    sportsbook: 'DRAFTKINGS',
    estimated_line_value: null,
    pace_adjustment: null,
    similar_games_count: null,
    key_factors: null,
    is_actionable: true,
    filter_reason: null,
    model_version: `${system}_v1`,
    scoring_tier: null,
    adjusted_points: null,
    injury_status_at_prediction: null,
    injury_flag_at_prediction: null,
    injury_reason_at_prediction: null,
    injury_checked_at: null,
    is_active: true,
    created_at: '2025-01-15T12:00:00.000Z',
    batch_id: 'batch_2025-01-15_1',
    message_id: `m-${player}`,
    feature_quality_score: 90,
    is_fallback: false,
    details: '{}',
    ...overrides,
  };
}

/** What grading reads back for the date once `rows` are all the date holds. */
async function readBack(rows: readonly PredictionRow[]) {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'props-grading-rows-')), 'w.duckdb');
  return withWarehouse(warehouse, async (connection) => {
    await ensureWarehouseTables(connection);
    await insertRows(
      connection,
      PLAYER_PROP_PREDICTIONS,
      rows.map((merged) => ({ ...merged, fencing_token: 1 })),
    );
    return (await new DuckdbGradingStore(connection).predictionsOfDates([DATE])).get(DATE) ?? [];
  });
}

describe('predictions to grade formed from merged rows', () => {
  it('equal what grading reads back: the same rows, values and order, the same rows left out', async () => {
    const rows = [
      row('zed', 'moving_average', { predicted_points: 0, confidence_score: 0.1 + 0.2 }),
      row('abe', 'catboost_v8', { estimated_line_value: 18.5, pace_adjustment: -1.25, similar_games_count: 7 }),
      row('abe', 'moving_average', { injury_status_at_prediction: 'QUESTIONABLE', injury_flag_at_prediction: true }),
      row('max', 'catboost_v8', {
        line_source: 'ODDS_API',
        filter_reason: 'quote " back \\ slash\nline',
        is_actionable: false,
      }),
      row('max', 'moving_average', { current_points_line: 20 }),
      row('kim', 'catboost_v8', { current_points_line: null, has_prop_line: false, line_source: 'NO_LINE' }),
      row('kim', 'moving_average', { line_source: 'ESTIMATED_AVG' }),
      row('lee', 'catboost_v8', { has_prop_line: false }),
      row('lee', 'similarity_balanced_v1', {
        model_version: 'v"8\\',
        predicted_points: 59.9,
        current_points_line: 0.5,
      }),
    ];
    const formed = predictionsToGradeFromRows(rows);
    expect(formed).toHaveLength(5);
    expect(formed).toEqual(await readBack(rows));
  });

  it('are not formed where the warehouse would store another value or order: the caller reads them back', async () => {
    const refused: [string, PredictionRow[]][] = [
      ['points past one place', [row('abe', 'catboost_v8', { predicted_points: 21.34 })]],
      ['a line past one place', [row('abe', 'catboost_v8', { current_points_line: 19.54 })]],
      ['pace past two places', [row('abe', 'catboost_v8', { pace_adjustment: 0.125 })]],
      ['-0', [row('abe', 'catboost_v8', { pace_adjustment: -0 })]],
      ['a non-ASCII player', [row('abé', 'catboost_v8')]],
      [
        'two lines of one player and system',
        [row('abe', 'catboost_v8'), row('abe', 'catboost_v8', { current_points_line: 22.5 })],
      ],
    ];
    for (const [, rows] of refused) expect(predictionsToGradeFromRows(rows)).toBeNull();
    // The first: the warehouse holds 21.3, not the 21.34 in memory.
    expect((await readBack(refused[0]![1]))[0]!.predictedPoints).toBe(21.3);
  });
});

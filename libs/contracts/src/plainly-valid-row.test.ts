import { describe, expect, it } from 'vitest';
import { plainlyValidRow } from './plainly-valid-row';
import { PredictionRowSchema, type PredictionRow } from './prediction-row';

/** A row as the worker forms and stages it (the similarity system's, with a prop line and an injury). */
const row: PredictionRow = {
  prediction_id: '6f1d2c1e-8c1b-4d7e-9a51-0b3c1f3f2a10',
  system_id: 'similarity_balanced_v1',
  player_lookup: 'lebronjames',
  universal_player_id: 'lebronjames_001',
  game_date: '2024-11-04',
  game_id: '20241104_LAL_DET',
  prediction_version: 1,
  predicted_points: 21.3,
  confidence_score: 0.5,
  recommendation: 'OVER',
  current_points_line: 20.5,
  line_margin: 0.8,
  has_prop_line: true,
  line_source: 'ACTUAL_PROP',
  line_source_api: 'ODDS_API',
  sportsbook: 'draftkings',
  estimated_line_value: null,
  pace_adjustment: 0.4,
  similar_games_count: 12,
  key_factors: null,
  is_actionable: true,
  filter_reason: null,
  model_version: 'similarity_balanced_v1',
  scoring_tier: null,
  adjusted_points: null,
  injury_status_at_prediction: 'QUESTIONABLE',
  injury_flag_at_prediction: true,
  injury_reason_at_prediction: 'ankle',
  injury_checked_at: '2024-11-04T15:00:00.000Z',
  is_active: true,
  created_at: '2024-11-04T16:00:00.000Z',
  batch_id: 'batch_2024-11-04_1',
  message_id: 'batch_2024-11-04_1.lebronjames',
  feature_quality_score: 92.5,
  is_fallback: false,
  details: '{"similar_games_count":12}',
};

/** Values a field could wrongly hold: each type, both sides of every bound the schema sets. */
const PROBES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'OVER',
  'NO_LINE',
  '2025-01-01',
  '2025-02-30',
  '2025-1-1',
  true,
  false,
  0,
  -0,
  -0.01,
  0.5,
  1,
  1.01,
  2,
  12.5,
  60,
  60.01,
  100,
  100.01,
  -1,
  Number.MAX_SAFE_INTEGER + 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  {},
  [],
];

describe('the quick row check', () => {
  it('passes a row the schema accepts, so the schema is not parsed for it', () => {
    expect(PredictionRowSchema.safeParse(row).success).toBe(true);
    expect(plainlyValidRow(row)).toBe(true);
  });

  it('never passes a row the schema refuses: any field of the schema set to any probe value (missing included)', () => {
    const wronglyPassed: string[] = [];
    for (const field of Object.keys(PredictionRowSchema.shape))
      for (const probe of PROBES) {
        const probed = { ...row, [field]: probe } as PredictionRow;
        if (plainlyValidRow(probed) && !PredictionRowSchema.safeParse(probed).success)
          wronglyPassed.push(`${field}=${String(probe)}`);
      }
    expect(wronglyPassed).toEqual([]);
  });
});

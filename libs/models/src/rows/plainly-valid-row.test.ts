import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PredictionRowSchema, type PredictionRequest, type PredictionRow } from '@props/contracts';
import { formPredictionRows } from './form-prediction-rows';
import { plainlyValidRow } from './plainly-valid-row';

const request = (
  JSON.parse(
    gunzipSync(readFileSync(join(import.meta.dirname, '../../test-fixtures/original-similarity.json.gz'))).toString(),
  ) as { cases: Array<{ request: PredictionRequest }> }
).cases[0]!.request;

const formed = (predictedPoints: number, confidence = 0.5) =>
  formPredictionRows(
    request,
    'm1',
    request.line_values[0] ?? null,
    [
      {
        systemId: 'similarity_balanced_v1',
        modelVersion: 'similarity_balanced_v1',
        predictedPoints,
        confidence,
        recommendation: 'OVER',
        details: { similar_games_count: 12, adjustments: { pace: 0.4 } },
      },
    ],
    '2025-01-01T00:00:00.000Z',
  );

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
  it('passes a formed row the schema accepts, so the schema is not parsed for it', () => {
    const row = formed(21.3).rows[0]!;
    expect(PredictionRowSchema.safeParse(row).success).toBe(true);
    expect(plainlyValidRow(row)).toBe(true);
  });

  it('never passes a row the schema refuses: any field of the schema set to any probe value (missing included)', () => {
    const row = formed(21.3).rows[0]!;
    const wronglyPassed: string[] = [];
    for (const field of Object.keys(PredictionRowSchema.shape))
      for (const probe of PROBES) {
        const probed = { ...row, [field]: probe } as PredictionRow;
        if (plainlyValidRow(probed) && !PredictionRowSchema.safeParse(probed).success)
          wronglyPassed.push(`${field}=${String(probe)}`);
      }
    expect(wronglyPassed).toEqual([]);
  });

  it('leaves the refusal and its message to the schema', () => {
    expect(formed(Number.POSITIVE_INFINITY).invalid).toEqual([
      { systemId: 'similarity_balanced_v1', reason: expect.stringMatching(/^invalid output: predicted_points /) },
    ]);
    const tooHigh = formed(61).invalid[0]!.reason;
    const schemaSays = PredictionRowSchema.safeParse({ ...formed(21.3).rows[0]!, predicted_points: 61 });
    expect(tooHigh).toBe(
      `invalid output: ${schemaSays.error!.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
    expect(formed(21.3, 1.2).invalid[0]!.reason).toMatch(/^invalid output: confidence_score /);
  });
});

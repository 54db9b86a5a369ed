import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PredictionRowSchema, type PredictionRequest } from '@props/contracts';
import type { Recommendation, SystemPrediction } from '../systems/prediction-system';
import { formPredictionRows } from './form-prediction-rows';

const requests = (
  JSON.parse(
    gunzipSync(readFileSync(join(import.meta.dirname, '../../test-fixtures/original-similarity.json.gz'))).toString(),
  ) as { cases: Array<{ request: PredictionRequest }> }
).cases.map((c) => c.request);
const estimated = requests.find((request) => request.line_source === 'ESTIMATED_AVG')!;
const actual = requests.find((request) => request.line_source === 'ACTUAL_PROP')!;

const prediction = (predictedPoints: number, recommendation: Recommendation, confidence = 0.5): SystemPrediction => ({
  systemId: 'moving_average',
  modelVersion: 'moving_average_v1',
  predictedPoints,
  confidence,
  recommendation,
  details: {},
});
const row = (request: PredictionRequest, outcome: SystemPrediction) =>
  formPredictionRows(request, 'm1', request.line_values[0]!, [outcome], '2025-01-01T00:00:00.000Z').rows[0]!;

describe('rows as the original formatter writes them', () => {
  it("against an estimated line, the side of the line whatever the system's thresholds (worker.py:1315)", () => {
    const line = estimated.line_values[0]!;
    expect(row(estimated, prediction(line + 0.3, 'PASS')).recommendation).toBe('OVER');
    expect(row(estimated, prediction(line - 0.3, 'PASS')).recommendation).toBe('UNDER');
    expect(row(estimated, prediction(line, 'PASS')).recommendation).toBe('PASS');
    expect(row(estimated, prediction(line + 0.3, 'PASS'))).toMatchObject({
      has_prop_line: false,
      line_source: 'ESTIMATED_AVG',
      estimated_line_value: line,
    });
  });

  it("against a real line, the system's own recommendation", () => {
    const line = actual.line_values[0]!;
    expect(row(actual, prediction(line + 0.3, 'PASS')).recommendation).toBe('PASS');
    expect(row(actual, prediction(line + 3, 'OVER')).recommendation).toBe('OVER');
  });

  it('confidence_score at two decimals, half to even on the binary value as Python rounds', () => {
    expect(row(actual, prediction(20, 'PASS', 0.7175)).confidence_score).toBe(0.72);
    expect(row(actual, prediction(20, 'PASS', 0.625)).confidence_score).toBe(0.62);
  });

  it('the 0.88-0.90 shadow tier is read from the stored confidence, so the two never disagree', () => {
    const tier = (confidence: number) => {
      const { confidence_score, is_actionable, filter_reason } = row(actual, prediction(20, 'PASS', confidence));
      return { confidence_score, is_actionable, filter_reason };
    };
    expect(tier(0.8795)).toEqual({
      confidence_score: 0.88,
      is_actionable: false,
      filter_reason: 'confidence_tier_88_90',
    });
    expect(tier(0.8951)).toEqual({ confidence_score: 0.9, is_actionable: true, filter_reason: null });
    expect(tier(0.8749)).toEqual({ confidence_score: 0.87, is_actionable: true, filter_reason: null });
  });
});

describe("a system's output no row may hold", () => {
  const formed = (predictedPoints: number, confidence = 0.5) =>
    formPredictionRows(
      actual,
      'm1',
      actual.line_values[0]!,
      [prediction(predictedPoints, 'OVER', confidence)],
      '2025-01-01T00:00:00.000Z',
    );

  it("is refused with the row schema's own message, the system named", () => {
    expect(formed(Number.POSITIVE_INFINITY).invalid).toEqual([
      { systemId: 'moving_average', reason: expect.stringMatching(/^invalid output: predicted_points /) },
    ]);
    const tooHigh = formed(61).invalid[0]!.reason;
    const schemaSays = PredictionRowSchema.safeParse({ ...formed(21.3).rows[0]!, predicted_points: 61 });
    expect(tooHigh).toBe(
      `invalid output: ${schemaSays.error!.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
    expect(formed(21.3, 1.2).invalid[0]!.reason).toMatch(/^invalid output: confidence_score /);
  });
});

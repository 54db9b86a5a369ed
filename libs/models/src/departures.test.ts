import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SYSTEM_IDS, type PredictionRequest } from '@props/contracts';
import { DEPARTURES, explainDifference, type PredictionDifference } from './departures';

const requests = (
  JSON.parse(
    gunzipSync(readFileSync(join(import.meta.dirname, '../test-fixtures/original-similarity.json.gz'))).toString(),
  ) as { cases: Array<{ request: PredictionRequest }> }
).cases.map((c) => c.request);
/** A seeded request whose stored fatigue_score (index 5) is above 70: the original took 2.5 from MA. */
const rested = requests.find((request) => request.features.values[5]! > 70)!;

const diff = (change: Partial<PredictionDifference>): PredictionDifference => ({
  systemId: SYSTEM_IDS.movingAverage,
  playerLookup: rested.player_lookup,
  gameDate: rested.game_date,
  field: 'predicted_points',
  original: 20,
  ours: 22.5,
  request: rested,
  ...change,
});

describe('the departures table', () => {
  it('names each departure once, with the original file and line, ours and why, for known systems', () => {
    const known = new Set<string>(Object.values(SYSTEM_IDS));
    expect(new Set(DEPARTURES.map((departure) => departure.id)).size).toBe(DEPARTURES.length);
    for (const departure of DEPARTURES) {
      expect(departure.source, departure.id).toMatch(/\.py:\d+/);
      expect(departure.original.length * departure.ours.length * departure.why.length, departure.id).toBeGreaterThan(0);
      if (departure.systems !== 'all')
        for (const system of departure.systems) expect(known.has(system), `${departure.id}: ${system}`).toBe(true);
    }
  });

  it('the fatigue sign explains moving average moving by exactly its penalty, and nothing else', () => {
    expect(explainDifference(diff({}))?.id).toBe('fatigue-sign');
    expect(explainDifference(diff({ ours: 23.5 }))?.id).not.toBe('fatigue-sign');
    // Moving average's confidence does not read fatigue: an unexplained difference.
    expect(explainDifference(diff({ field: 'confidence_score', original: 0.5, ours: 0.6 }))).toBeUndefined();
  });

  it('the 20.0 line gate explains only rows the original did not write for a 20.0 line', () => {
    const twenty = { ...rested, line_values: [20] };
    const missing = diff({ field: 'row_presence', original: false, ours: true, systemId: SYSTEM_IDS.movingAverage });
    expect(explainDifference({ ...missing, request: twenty })?.id).toBe('line-quality-gate');
    expect(explainDifference({ ...missing, request: { ...rested, line_values: [20.5] } })).toBeUndefined();
  });

  it('xgboost_v1 rows the original never wrote are explained; a missing one of ours is not', () => {
    const row = diff({ systemId: SYSTEM_IDS.xgboost, field: 'row_presence' });
    expect(explainDifference({ ...row, original: false, ours: true })?.id).toBe('xgboost-v1-real-model');
    expect(explainDifference({ ...row, original: true, ours: false })).toBeUndefined();
  });
});

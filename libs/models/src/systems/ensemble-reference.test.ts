import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { featureVector } from '../test-support/example-player';
import { EnsembleV1_1System } from './ensemble';
import { isPrediction, type Recommendation, type SystemOutcome } from './prediction-system';

/**
 * The original's own ensemble_v1_1 (0c82ae50), run by tools/models/original-reference on this
 * project's five component outputs for every selected player of five dates of the seeded season.
 */
interface Component {
  system_id: string;
  predicted_points: number | null;
  confidence: number | null;
  recommendation: Recommendation | null;
}
const reference = JSON.parse(
  gunzipSync(readFileSync(join(import.meta.dirname, '../../test-fixtures/original-ensemble-v1-1.json.gz'))).toString(),
) as {
  cases: Array<{
    player_lookup: string;
    game_date: string;
    line: number | null;
    components: Component[];
    original: { predicted_points: number; confidence: number; recommendation: string; agreement_type: string };
  }>;
};

describe("ensemble_v1_1 against the original's code", () => {
  it('combines every player as the original does: prediction, confidence, recommendation, agreement', () => {
    expect(reference.cases.length).toBeGreaterThan(800);
    const ensemble = new EnsembleV1_1System();
    const differences = reference.cases.flatMap(({ player_lookup, game_date, line, components, original }) => {
      const outcomes: SystemOutcome[] = components.map((component) =>
        component.predicted_points === null
          ? { systemId: component.system_id, skipped: 'none' }
          : {
              systemId: component.system_id,
              modelVersion: 'reference',
              predictedPoints: component.predicted_points,
              confidence: component.confidence!,
              recommendation: component.recommendation!,
              details: {},
            },
      );
      const input = {
        playerLookup: player_lookup,
        gameDate: game_date,
        isHome: true,
        features: featureVector({}),
        history: [],
        line,
      };
      const ours = ensemble.combine(input, outcomes);
      if (!isPrediction(ours)) return [`${game_date} ${player_lookup}: ours skipped (${ours.skipped})`];
      const agreement = (ours.details.agreement as { type: string }).type;
      const same =
        Math.abs(ours.predictedPoints - original.predicted_points) < 1e-9 &&
        Math.abs(ours.confidence - original.confidence) < 1e-12 &&
        ours.recommendation === original.recommendation &&
        agreement === original.agreement_type;
      return same
        ? []
        : [
            `${game_date} ${player_lookup}: ours ${ours.predictedPoints} ${ours.confidence} ${ours.recommendation} ${agreement}, original ${JSON.stringify(original)}`,
          ];
    });
    expect(differences.slice(0, 5)).toEqual([]);
  });
});

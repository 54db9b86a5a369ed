// Step 3 of the reference fixtures (README.md beside this file): this project's five base systems
// (the served ONNX models included) on the requests of step 1, written as the figures the original's
// ensemble_v1_1 combines in step 4.
//   node --import tsx tools/models/original-reference/component-outputs.ts REQUESTS.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PredictionRequest } from '@props/contracts';
import { FeatureVector } from '@props/feature-vector';
import { PredictionSystems, isPrediction, loadServedModels } from '@props/models';

const BASE = ['moving_average', 'zone_matchup_v1', 'similarity_balanced_v1', 'xgboost_v1', 'catboost_v8'];

async function main(requestsFile: string, out: string): Promise<void> {
  const root = resolve(import.meta.dirname, '../../..');
  const served = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const requests = JSON.parse(readFileSync(requestsFile, 'utf8')) as PredictionRequest[];
  const results = await new PredictionSystems(served, () => {}).predict(
    requests.map((request) => ({
      playerLookup: request.player_lookup,
      gameDate: request.game_date,
      isHome: request.is_home,
      features: new FeatureVector(
        request.features.values,
        request.features.feature_version,
        request.features.quality_score,
      ),
      history: request.history,
      line: request.line_values[0] ?? null,
    })),
  );
  const cases = requests.map((request, index) => ({
    player_lookup: request.player_lookup,
    game_date: request.game_date,
    line: request.line_values[0] ?? null,
    components: BASE.map((systemId) => {
      const outcome = results[index]!.outcomes.find((candidate) => candidate.systemId === systemId);
      return outcome && isPrediction(outcome)
        ? {
            system_id: systemId,
            predicted_points: outcome.predictedPoints,
            confidence: outcome.confidence,
            recommendation: outcome.recommendation,
          }
        : { system_id: systemId, predicted_points: null, confidence: null, recommendation: null };
    }),
  }));
  writeFileSync(out, `${JSON.stringify(cases)}\n`);
  console.log(`${cases.length} players' component outputs -> ${out}`);
}

const [requestsFile, out] = process.argv.slice(2);
if (!requestsFile || !out) {
  console.error('usage: component-outputs.ts REQUESTS.json OUT.json');
  process.exit(1);
}
main(requestsFile, out).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

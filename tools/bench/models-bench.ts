// Run by tools/bench/main.mjs through tsx: ONNX slate scoring against per-player calls, and all
// six systems over a full slate.
import { resolve } from 'node:path';
import { FEATURE_NAMES, FeatureVector } from '@props/feature-vector';
import { PredictionSystems, loadServedModels, type PredictionInput } from '@props/models';

const root = resolve(import.meta.dirname, '../..');
const SLATE = 500;

function slate(): PredictionInput[] {
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: SLATE }, (_, index) => {
    const season = 5 + random() * 25;
    const values = FEATURE_NAMES.map((name) =>
      name.startsWith('points_avg')
        ? season + (random() - 0.5) * 6
        : name.startsWith('pct_')
          ? random() * 0.5
          : random() * 10,
    );
    const history = Array.from({ length: 30 }, (_, game) => ({
      game_date: new Date(Date.UTC(2025, 0, 1 + game * 2)).toISOString().slice(0, 10),
      points: Math.max(0, Math.round(season + (random() - 0.5) * 12)),
      minutes: 30,
      opponent_team_abbr: 'BOS',
      opponent_def_rating: 105 + random() * 15,
      is_home: random() < 0.5,
    }));
    return {
      playerLookup: `player${index}`,
      gameDate: '2025-03-15',
      isHome: random() < 0.5,
      features: new FeatureVector(values, 'v2_33features', 80),
      history,
      line: Math.round(season) + 0.5,
    };
  });
}

async function timeMs(run: () => Promise<unknown>, repeats: number): Promise<number> {
  await run();
  const started = performance.now();
  for (let index = 0; index < repeats; index += 1) await run();
  return (performance.now() - started) / repeats;
}

async function main(): Promise<void> {
  const models = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const inputs = slate();
  const lines = [`models, a ${SLATE}-player slate:`];
  for (const model of models) {
    const regressor = model.regressor!;
    const rows = inputs.map((input) => input.features.slice(regressor.featureCount));
    const batched = await timeMs(() => regressor.predict(rows), 5);
    const single = await timeMs(async () => {
      for (const row of rows) await regressor.predict([row]);
    }, 2);
    lines.push(
      `  ${model.systemId.padEnd(12)} one ONNX call ${batched.toFixed(1).padStart(7)} ms   one call per player ${single.toFixed(1).padStart(7)} ms   ratio ${(single / batched).toFixed(1).padStart(5)} x`,
    );
  }
  const systems = new PredictionSystems(models, () => {});
  const all = await timeMs(() => systems.predict(inputs), 5);
  lines.push(`  all six systems: ${all.toFixed(1)} ms per slate = ${((SLATE / all) * 1000).toFixed(0)} players/s`);
  console.log(lines.join('\n'));
  process.exit(0);
}

void main();

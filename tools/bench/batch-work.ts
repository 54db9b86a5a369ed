// Run by tools/bench/batch-bench.mjs through tsx, a fresh process each round as the batch's
// services are: the batch's own work without its transport and bookkeeping, each step through the
// libs the services call. The slate: one opening of the warehouse for the candidates and the slate
// query. The systems: every request the batch sent, in one call. The merge: one opening for the
// MERGE of every row, to its COMMIT. Prints one JSON line of milliseconds.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PredictionRequest } from '@props/contracts';
import { consolidateDatesIntoDuckdb, warehouseReadinessCheck } from '@props/consolidation';
import { PredictionSystems, loadServedModels, predictPlayers } from '@props/models';
import { DuckdbBatchWarehouse } from '@props/prediction-batch';
import { ndjsonStagingFor } from '@props/prediction-store';
import { withWarehouse } from '@props/warehouse';

const [warehouse, messagesFile, gameDate, stagingDir] = process.argv.slice(2);
if (!warehouse || !messagesFile || !gameDate || !stagingDir)
  throw new Error('usage: batch-work.ts <warehouse.duckdb> <messages.json> <game date> <empty folder>');
const root = resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const requests = Object.entries(JSON.parse(readFileSync(messagesFile!, 'utf8')) as Record<string, PredictionRequest>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([player, request]) => ({ messageId: `work.${player}`, request }));
  // Loaded before the clock starts, as the worker loads them before it is ready.
  const models = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const systems = new PredictionSystems(models, () => {});
  const batchWarehouse = new DuckdbBatchWarehouse(warehouse!, ndjsonStagingFor(stagingDir!));
  // The coordinator's readiness check, as it runs before the coordinator is ready: DuckDB loaded,
  // the warehouse opened once.
  const readiness = await warehouseReadinessCheck(warehouse).run();
  if (readiness.status !== 'ok') throw new Error(`warehouse not ready: ${readiness.detail}`);

  const started = performance.now();
  const slate = await batchWarehouse.session(async () => {
    await batchWarehouse.candidates(gameDate!, '');
    return batchWarehouse.loadSlate(
      gameDate!,
      requests.map(({ request }) => request.player_lookup),
      '',
      {},
    );
  });
  const slateDone = performance.now();
  const predicted = await predictPlayers(systems, requests, new Date().toISOString());
  const rows = predicted.flatMap((player) => player.rows);
  const systemsDone = performance.now();
  // The clock stops at the COMMIT: the rows are durable then, and the checkpoint at the close is not the merge's.
  let mergeDone = 0;
  const merged = await withWarehouse(warehouse!, async (connection) => {
    const counts = await consolidateDatesIntoDuckdb(connection, [{ gameDate: gameDate!, fencingToken: 1 }], rows);
    mergeDone = performance.now();
    return counts;
  });
  if (slate.players.size !== requests.length)
    throw new Error(`the slate loaded ${slate.players.size} of ${requests.length} players`);
  console.log(
    JSON.stringify({
      slateMs: slateDone - started,
      systemsMs: systemsDone - slateDone,
      mergeMs: mergeDone - systemsDone,
      rows: merged.get(gameDate!)?.rowsMerged ?? 0,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// Run by tools/bench/batch-bench.mjs through tsx, a fresh process each round as the batch's
// services are: the batch's own work without its transport and bookkeeping, each step through the
// libs the services call. The slate: one opening of the warehouse for the candidates, the
// selection and the slate query. The systems: every request the batch sent, in one call (the
// worker makes one per message). The merge: one opening for the MERGE of every row, to its COMMIT.
// Both openings run on one DuckDB thread, as the coordinator's sessions do. Prints one JSON line
// of milliseconds.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { requestMessageId, type PredictionRequest } from '@props/contracts';
import { consolidateDatesIntoDuckdb, warehouseReadinessCheck } from '@props/consolidation';
import { PredictionSystems, loadServedModels, predictPlayers } from '@props/models';
import { DuckdbBatchWarehouse, selectPlayers } from '@props/prediction-batch';
import { ndjsonStagingFor } from '@props/prediction-store';
import { withWarehouse } from '@props/warehouse';

const [warehouse, messagesFile, gameDate] = process.argv.slice(2);
if (!warehouse || !messagesFile || !gameDate)
  throw new Error('usage: batch-work.ts <warehouse.duckdb> <messages.json> <game date>');
const root = resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const requests = Object.entries(JSON.parse(readFileSync(messagesFile!, 'utf8')) as Record<string, PredictionRequest>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, request]) => ({ messageId: requestMessageId(request), request }));
  // Loaded before the clock starts, as the worker loads them before it is ready.
  const models = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const systems = new PredictionSystems(models, () => {});
  // The staging folder is never written: the merge below is given the rows.
  const batchWarehouse = new DuckdbBatchWarehouse(warehouse!, ndjsonStagingFor(join(dirname(warehouse!), 'staging')));
  // The coordinator's readiness check, as it runs before the coordinator is ready: DuckDB loaded,
  // the warehouse opened once.
  const readiness = await warehouseReadinessCheck(warehouse).run();
  if (readiness.status !== 'ok') throw new Error(`warehouse not ready: ${readiness.detail}`);

  const started = performance.now();
  const slate = await batchWarehouse.session(async () => {
    const { selected } = selectPlayers(await batchWarehouse.candidates(gameDate!, ''));
    return batchWarehouse.loadSlate(
      gameDate!,
      selected.map((player) => player.candidate.playerLookup),
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
  const merged = await batchWarehouse.session(() =>
    withWarehouse(warehouse!, async (connection) => {
      const counts = await consolidateDatesIntoDuckdb(connection, [{ gameDate: gameDate!, fencingToken: 1 }], rows);
      mergeDone = performance.now();
      return counts;
    }),
  );
  if (slate.path !== 'one_query')
    throw new Error(`the slate was loaded player by player, not in one query: ${slate.fallbackReason}`);
  const unloaded = requests.filter(({ request }) => !slate.players.has(request.player_lookup));
  if (unloaded.length > 0)
    throw new Error(`the slate did not load ${unloaded.length} of the batch's ${requests.length} players`);
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

// Step 1 of the golden parity suite (docs/parity.md): the requests this project forms for some dates
// of a seeded warehouse, with the feature-store facts the original's loader also reads (days_rest,
// is_home, data_source, completeness), written as JSON for tools/parity/run-original.py.
//
//   node --import tsx tools/parity/export-requests.ts --warehouse var/warehouse.duckdb \
//     --dates 2024-11-15,2025-03-15 --out /tmp/parity-inputs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES } from '@props/feature-vector';
import { DuckdbBatchWarehouse, predictionRequests, selectPlayers } from '@props/prediction-batch';
import { ndjsonStagingFor } from '@props/prediction-store';
import { withWarehouse } from '@props/warehouse';
import { PARITY_BATCH_PREFIX, PARITY_CHECKED_AT, type ParityInputs, type StoreFacts } from './parity-fixture';

async function storeFacts(warehouse: string, gameDate: string): Promise<Record<string, StoreFacts>> {
  return withWarehouse(warehouse, async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT player_lookup, days_rest, is_home, data_source, completeness_percentage, array_to_string(feature_names, ',')
       FROM nba_predictions.ml_feature_store_v2 WHERE game_date = CAST($1 AS DATE)
       QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY created_at DESC) = 1`,
      [gameDate],
    );
    const facts: Record<string, StoreFacts> = {};
    for (const [player, daysRest, isHome, dataSource, completeness, names] of reader.getRows()) {
      if (names !== FEATURE_NAMES.join(','))
        throw new Error(`ml_feature_store_v2 ${gameDate} ${String(player)}: feature_names differ from v2_33features`);
      facts[String(player)] = {
        days_rest: daysRest === null ? null : Number(daysRest),
        is_home: Boolean(isHome),
        data_source: String(dataSource),
        completeness_percentage: completeness === null ? null : Number(completeness),
      };
    }
    return facts;
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { warehouse: { type: 'string' }, dates: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.warehouse || !values.dates || !values.out)
    throw new Error('usage: export-requests.ts --warehouse FILE --dates D1,D2,... --out DIR');
  const warehousePath = resolve(values.warehouse);
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const warehouse = new DuckdbBatchWarehouse(warehousePath, ndjsonStagingFor(join(out, 'unused-staging')));
  for (const gameDate of values.dates.split(',')) {
    const selection = selectPlayers(await warehouse.candidates(gameDate, ''));
    const load = await warehouse.loadSlate(
      gameDate,
      selection.selected.map((player) => player.candidate.playerLookup),
      '',
      { timeoutMs: 120_000 },
    );
    const { players, messages } = predictionRequests({
      batchId: `${PARITY_BATCH_PREFIX}${gameDate.replaceAll('-', '')}`,
      gameDate,
      datasetPrefix: '',
      selected: selection.selected,
      load,
      checkedAt: PARITY_CHECKED_AT,
    });
    const facts = await storeFacts(warehousePath, gameDate);
    const inputs: ParityInputs = {
      game_date: gameDate,
      feature_names: [...FEATURE_NAMES],
      requests: players.map((player) => messages[player]!),
      store: Object.fromEntries(players.map((player) => [player, facts[player]!])),
    };
    writeFileSync(join(out, `${gameDate}.inputs.json`), JSON.stringify(inputs));
    console.log(`${gameDate}: ${players.length} requests`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

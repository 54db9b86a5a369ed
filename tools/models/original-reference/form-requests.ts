// Step 1 of the similarity reference fixture (README.md beside this file): the prediction requests
// this project forms for a few dates of the seeded season, exactly as a batch forms them
// (candidates, selection, the one slate query, predictionRequests), written as JSON.
//   node --import tsx tools/models/original-reference/form-requests.ts WAREHOUSE OUT.json DATE...
import { writeFileSync } from 'node:fs';
import { loadSlate, DuckdbSlateSource } from '@props/feature-loader';
import { predictionRequests, selectPlayers, queryPlayerCandidates } from '@props/prediction-batch';
import { withWarehouse } from '@props/warehouse';

async function main(warehouse: string, out: string, dates: string[]): Promise<void> {
  const requests = await withWarehouse(warehouse, async (connection) => {
    const all = [];
    for (const gameDate of dates) {
      const selection = selectPlayers(await queryPlayerCandidates(connection, gameDate));
      const players = selection.selected.map((player) => player.candidate.playerLookup);
      const load = await loadSlate(new DuckdbSlateSource(connection, warehouse), gameDate, players);
      const formed = predictionRequests({
        batchId: `reference_${gameDate}`,
        gameDate,
        datasetPrefix: '',
        selected: selection.selected,
        load,
        checkedAt: `${gameDate}T12:00:00.000Z`,
      });
      all.push(...formed.players.map((player) => formed.messages[player]!));
    }
    return all;
  });
  writeFileSync(out, `${JSON.stringify(requests)}\n`);
  console.log(`${requests.length} requests for ${dates.join(', ')} -> ${out}`);
}

const [warehouse, out, ...dates] = process.argv.slice(2);
if (!warehouse || !out || dates.length === 0) {
  console.error('usage: form-requests.ts WAREHOUSE OUT.json DATE...');
  process.exit(1);
}
main(warehouse, out, dates).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

// Run by tools/bench/main.mjs through tsx: seeding a full season, and one-query slate loading
// against per-player loading on the same DuckDB warehouse, side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSlate, DuckdbSlateSource } from '@props/feature-loader';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';

const root = resolve(import.meta.dirname, '../..');
const SIZES = [50, 150, 450];

async function median(run: () => Promise<unknown>, repeats: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let index = 0; index < repeats; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'props-bench-warehouse-'));
  try {
    const out = join(folder, 'warehouse.duckdb');
    const seedStarted = performance.now();
    const summary = await seedWarehouse({ samplesDir: resolve(root, 'data/nba-samples'), out, seed: 1 });
    const seedMs = performance.now() - seedStarted;
    const rows = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    console.log(
      `seed a full 2024-25 season: ${(seedMs / 1000).toFixed(1)} s (${summary.gameDates} dates, ${rows} rows)`,
    );
    await withWarehouse(out, async (connection) => {
      const busiest = (
        await connection.runAndReadAll(
          'SELECT CAST(game_date AS VARCHAR), count(*) FROM nba_analytics.upcoming_player_game_context GROUP BY game_date ORDER BY 2 DESC, 1 LIMIT 1',
        )
      ).getRows()[0]!;
      const date = String(busiest[0]);
      const everyone = (
        await connection.runAndReadAll(
          `SELECT player_lookup FROM nba_analytics.upcoming_player_game_context WHERE game_date = '${date}' ORDER BY 1`,
        )
      )
        .getRows()
        .map((row) => String(row[0]));
      const source = new DuckdbSlateSource(connection, out);
      console.log(
        `slate loading on ${date} (DuckDB; per-player = one query per player, 8 at a time, as the fallback runs):`,
      );
      for (const size of SIZES) {
        const players = everyone.slice(0, size);
        const oneQuery = await median(() => loadSlate(source, date, players), 5);
        const historyFrom = new Date(Date.parse(`${date}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
        const perPlayer = await median(async () => {
          let next = 0;
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              while (next < players.length)
                await source.querySlate(date, [players[next++]!], { timeoutMs: 120_000, historyFrom });
            }),
          );
        }, 3);
        console.log(
          `  ${String(players.length).padStart(3)} players   one query ${oneQuery.toFixed(1).padStart(7)} ms   per player ${perPlayer.toFixed(1).padStart(8)} ms   ratio ${(perPlayer / oneQuery).toFixed(1).padStart(5)} x`,
        );
      }
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  DuckdbRangeSlateSource,
  DuckdbSlateSource,
  NoGamesOnDateError,
  UnknownGameDateError,
  loadSlate,
  type SlateLoad,
} from '@props/feature-loader';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';
import { queryPlayerCandidates, rangePlayerCandidates } from './duckdb-player-candidates';

let warehouse: string;

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'props-range-slate-'));
  warehouse = (
    await seedWarehouse({ samplesDir: resolve('data/nba-samples'), out: join(folder, 'warehouse.duckdb'), seed: 7 })
  ).out;
}, 180_000);

const days = (from: string, count: number) =>
  Array.from({ length: count }, (_, day) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10),
  );

it("answers every date of a range exactly as that date's own slate and candidates queries do", async () => {
  // The season's first weeks (history shorter than 30 games, opening night without any) and the All-Star break.
  const ranges = [days('2024-10-22', 24), days('2025-02-10', 12)];
  await withWarehouse(warehouse, async (connection) => {
    const perDate = new DuckdbSlateSource(connection, warehouse);
    for (const dates of ranges) {
      const range = await DuckdbRangeSlateSource.load(connection, warehouse, { from: dates[0]!, to: dates.at(-1)! });
      const candidates = await rangePlayerCandidates(connection, { from: dates[0]!, to: dates.at(-1)! });
      for (const date of dates) {
        const expected = await queryPlayerCandidates(connection, date);
        expect(candidates(date)).toEqual(expected);
        // Every candidate, one player the warehouse never heard of, and a player asked twice.
        const players = [...expected.map((candidate) => candidate.playerLookup), 'nobody_at_all', 'nobody_at_all'];
        const [own, ranged] = await Promise.all([
          loadSlate(perDate, date, players).catch((error: unknown) => error as Error),
          loadSlate(range, date, players).catch((error: unknown) => error as Error),
        ]);
        if (own instanceof Error) {
          expect(own).toBeInstanceOf(NoGamesOnDateError);
          expect(ranged).toEqual(own);
          continue;
        }
        const withoutTiming = (load: SlateLoad) => ({ ...load, durationMs: 0, players: [...load.players] });
        expect(withoutTiming(ranged as SlateLoad)).toEqual(withoutTiming(own));
        expect(own.players.size).toBeGreaterThan(0);
      }
    }
    const outside = await DuckdbRangeSlateSource.load(connection, warehouse, { from: '2025-07-01', to: '2025-07-02' });
    await expect(loadSlate(outside, '2025-07-01', [])).rejects.toBeInstanceOf(UnknownGameDateError);
    await expect(loadSlate(outside, '2025-07-03', ['x'])).rejects.toThrow(
      'the range slate of 2025-07-01 .. 2025-07-02 was asked for 2025-07-03',
    );
    const outsideCandidates = await rangePlayerCandidates(connection, { from: '2025-07-01', to: '2025-07-02' });
    expect(outsideCandidates('2025-07-01')).toEqual([]);
    expect(() => outsideCandidates('2025-06-30')).toThrow(
      'the candidates of 2025-07-01 .. 2025-07-02 were asked for 2025-06-30',
    );
  });
}, 300_000);

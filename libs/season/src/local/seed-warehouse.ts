import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ML_FEATURE_STORE,
  PLAYER_GAME_SUMMARY,
  PLAYER_POINTS_PROPS,
  SCHEDULE,
  TEAM_GAME_SUMMARY,
  UPCOMING_PLAYER_GAME_CONTEXT,
  ensureWarehouseTables,
  insertRows,
  withWarehouse,
} from '@props/warehouse';
import { generateSeason, type SeasonRows } from '../generate-season';
import { readPlayerIndex, readSchedule } from '../sample-data';

export interface SeedOptions {
  samplesDir: string;
  out: string;
  seed: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface SeedSummary {
  out: string;
  firstDate: string;
  lastDate: string;
  gameDates: number;
  counts: Record<string, number>;
}

/**
 * Builds a local warehouse for the 2024-25 season. Written to a temporary file and renamed into
 * place, so a reader never sees a half-built warehouse and a failed seed leaves the old one.
 */
export async function seedWarehouse(options: SeedOptions): Promise<SeedSummary> {
  const schedule = readSchedule(options.samplesDir);
  const players = readPlayerIndex(options.samplesDir);
  const season: SeasonRows = generateSeason(schedule, players, {
    seed: options.seed,
    onProgress: (done, total) => options.onProgress?.('generating games, lines and features', done, total),
  });
  mkdirSync(dirname(options.out), { recursive: true });
  const temporary = `${options.out}.seeding-${process.pid}`;
  rmSync(temporary, { force: true });
  const tables = [
    [SCHEDULE, season.schedule],
    [PLAYER_GAME_SUMMARY, season.playerGames],
    [TEAM_GAME_SUMMARY, season.teamGames],
    [UPCOMING_PLAYER_GAME_CONTEXT, season.context],
    [PLAYER_POINTS_PROPS, season.props],
    [ML_FEATURE_STORE, season.features],
  ] as const;
  try {
    await withWarehouse(temporary, async (connection) => {
      await ensureWarehouseTables(connection);
      for (const [index, [table, rows]] of tables.entries()) {
        options.onProgress?.(`writing ${table.dataset}.${table.name}`, index, tables.length);
        await insertRows(connection, table, rows);
      }
      options.onProgress?.('writing tables', tables.length, tables.length);
      await connection.run('CHECKPOINT');
    });
    renameSync(temporary, options.out);
    if (existsSync(`${options.out}.wal`)) rmSync(`${options.out}.wal`);
  } finally {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.wal`, { force: true });
  }
  const dates = season.schedule.map((row) => String(row.game_date));
  return {
    out: options.out,
    firstDate: dates[0]!,
    lastDate: dates[dates.length - 1]!,
    gameDates: new Set(dates).size,
    counts: Object.fromEntries(tables.map(([table, rows]) => [`${table.dataset}.${table.name}`, rows.length])),
  };
}

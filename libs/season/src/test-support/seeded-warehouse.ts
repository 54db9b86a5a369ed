import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedWarehouse, type SeedSummary } from '../local/seed-warehouse';

/** The repository's copy of the real NBA samples (vitest runs from the repository root). */
export const SAMPLES_DIR = resolve('data/nba-samples');
export const TEST_SEED = 7;

/** A full 2024-25 season seeded into a fresh temporary folder. */
export async function seedTestWarehouse(seed = TEST_SEED): Promise<SeedSummary> {
  const folder = mkdtempSync(join(tmpdir(), 'props-warehouse-'));
  return seedWarehouse({ samplesDir: SAMPLES_DIR, out: join(folder, 'warehouse.duckdb'), seed });
}

import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from '@props/emulators';
import { seedWarehouse } from '@props/season';
import { DatasetPrefixError, WarehouseSchemaError, withWarehouse } from '@props/warehouse';
import { BigQuerySlateSource } from '../gcp/bigquery-slate-source';
import { NoGamesOnDateError, SlateLoadError, UnknownGameDateError, loadSlate, type SlateLoad } from '../load-slate';
import { DuckdbSlateSource } from './duckdb-slate-source';

const DATE = '2025-01-15';
let warehouse: string;
let slatePlayers: string[];

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'props-slate-'));
  warehouse = (
    await seedWarehouse({ samplesDir: resolve('data/nba-samples'), out: join(folder, 'warehouse.duckdb'), seed: 7 })
  ).out;
  slatePlayers = await withWarehouse(warehouse, async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT player_lookup FROM nba_analytics.upcoming_player_game_context WHERE game_date = '${DATE}' ORDER BY 1`,
      )
    )
      .getRows()
      .map((row) => String(row[0])),
  );
}, 120_000);

function comparable(load: SlateLoad) {
  return [...load.players.values()]
    .map((player) => ({ ...player, features: player.features.slice(33) }))
    .sort((a, b) => a.playerLookup.localeCompare(b.playerLookup));
}

async function withBigQuery<T>(
  options: { delayMs?: number; slowQueries?: number },
  work: (source: (prefix?: string) => BigQuerySlateSource, fake: BigQueryRestEmulator) => Promise<T>,
): Promise<T> {
  return withWarehouse(warehouse, async (connection) => {
    const fake = new BigQueryRestEmulator(connection, options);
    const endpoint = await fake.start();
    try {
      const client = new BigQuery({ projectId: 'props-test', apiEndpoint: endpoint });
      return await work(
        (prefix) =>
          new BigQuerySlateSource(client, { projectId: 'props-test', location: 'us-west2', datasetPrefix: prefix }),
        fake,
      );
    } finally {
      await fake.stop();
    }
  });
}

describe('loadSlate on the seeded warehouse', () => {
  it('loads a whole slate in one query through DuckDB, and identical vectors and history through BigQuery', async () => {
    expect(slatePlayers.length).toBeGreaterThan(150);
    const local = await withWarehouse(warehouse, (connection) =>
      loadSlate(new DuckdbSlateSource(connection, warehouse), DATE, slatePlayers),
    );
    expect(local).toMatchObject({ path: 'one_query', fallbackReason: null, queries: 1, missing: [] });
    expect(local.players.size).toBe(slatePlayers.length);
    const withHistory = [...local.players.values()].filter((player) => player.history.length > 0);
    expect(withHistory.length).toBeGreaterThan(slatePlayers.length * 0.6);
    for (const player of withHistory) expect(player.history.every((game) => game.game_date < DATE)).toBe(true);
    // The request's order, oldest first (the similarity system reads the last game as the latest):
    // every player's dates strictly increase, and the last is the player's latest game before DATE.
    for (const player of withHistory) {
      const dates = player.history.map((game) => game.game_date);
      expect(dates, player.playerLookup).toEqual([...new Set(dates)].sort());
    }

    const remote = await withBigQuery({}, async (source, fake) => {
      const load = await loadSlate(source(), DATE, slatePlayers);
      const insert = fake.requests.find((request) => request.method === 'POST')!.body as {
        configuration: { query: { parameterMode: string; query: string }; jobTimeoutMs: string };
        jobReference: { location: string };
      };
      expect(insert.configuration.query.parameterMode).toBe('named');
      expect(insert.configuration.query.query).toContain('`props-test.nba_predictions.ml_feature_store_v2`');
      expect(insert.configuration.jobTimeoutMs).toBe('120000');
      expect(insert.jobReference.location).toBe('us-west2');
      return load;
    });
    expect(remote).toMatchObject({ path: 'one_query', queries: 1, missing: [] });
    expect(comparable(remote)).toEqual(comparable(local));
  });

  it('reports a player without a feature row, and loads one without history with an empty history', async () => {
    const load = await withWarehouse(warehouse, async (connection) => {
      const openingNight = (
        await connection.runAndReadAll(
          "SELECT player_lookup FROM nba_analytics.upcoming_player_game_context WHERE game_date = '2024-10-22' ORDER BY 1 LIMIT 3",
        )
      )
        .getRows()
        .map((row) => String(row[0]));
      return loadSlate(new DuckdbSlateSource(connection, warehouse), '2024-10-22', [...openingNight, 'notaplayer']);
    });
    expect(load.missing).toEqual([{ playerLookup: 'notaplayer', reason: 'no feature row for the date' }]);
    expect(load.players.size).toBeGreaterThan(0);
    expect(load.players.size).toBe(3);
    for (const player of load.players.values()) expect(player.history).toEqual([]);
  });

  it('refuses an unknown date and a date without games instead of answering with no players', async () => {
    await withWarehouse(warehouse, async (connection) => {
      const source = new DuckdbSlateSource(connection, warehouse);
      await expect(loadSlate(source, '2023-03-01', slatePlayers)).rejects.toThrow(UnknownGameDateError);
      await expect(loadSlate(source, '2023-03-01', slatePlayers)).rejects.toThrow(
        'its schedule covers 2024-10-22 .. 2025-06-22',
      );
      await expect(loadSlate(source, '2025-02-14', slatePlayers)).rejects.toThrow(NoGamesOnDateError);
    });
  });

  it('falls back to per-player loading when the one query times out, and says why', async () => {
    const players = slatePlayers.slice(0, 12);
    const load = await withBigQuery({ delayMs: 1_500, slowQueries: 1 }, (source) =>
      loadSlate(source(), DATE, players, { timeoutMs: 400, perPlayerTimeoutMs: 60_000, fallbackConcurrency: 3 }),
    );
    expect(load.path).toBe('per_player');
    expect(load.fallbackReason).toBe(`bigquery slate query for ${DATE} (12 players) did not answer within 400 ms`);
    expect(load.queries).toBe(13);
    expect(load.players.size).toBe(12);
  });

  it('throws SlateLoadError when neither path can load, never an empty slate', async () => {
    await withBigQuery({}, async (source) => {
      await expect(loadSlate(source('absent'), DATE, slatePlayers.slice(0, 2))).rejects.toThrow(SlateLoadError);
      await expect(loadSlate(source('absent'), DATE, slatePlayers.slice(0, 2))).rejects.toThrow(
        /one query failed [\s\S]*absent_nba_raw[\s\S]* and so did every per-player query/,
      );
    });
  });

  it('refuses a malformed dataset_prefix before sending anything', async () => {
    await withBigQuery({}, async (source, fake) => {
      expect(() => source('ci-run; DROP')).toThrow(DatasetPrefixError);
      expect(() => source('ci-run; DROP')).toThrow('dataset_prefix: expected letters, digits and underscores only');
      expect(fake.requests).toEqual([]);
    });
  });
});

describe('a slate source on a warehouse', () => {
  it('of an older schema: refused with both versions and the fix', async () => {
    const old = join(mkdtempSync(join(tmpdir(), 'props-old-')), 'warehouse.duckdb');
    copyFileSync(warehouse, old);
    await withWarehouse(old, (connection) =>
      connection.run('UPDATE nba_orchestration.warehouse_schema SET version = 1'),
    );
    await withWarehouse(old, async (connection) => {
      await expect(loadSlate(new DuckdbSlateSource(connection, old), DATE, slatePlayers)).rejects.toThrow(
        WarehouseSchemaError,
      );
      await expect(loadSlate(new DuckdbSlateSource(connection, old), DATE, slatePlayers)).rejects.toThrow(
        /has schema version 1; this build reads version \d+\. Bring it up to date, keeping every row: props warehouse migrate --warehouse /,
      );
    });
  });
});

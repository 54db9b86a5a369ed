import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '@props/feature-vector';
import { withWarehouse } from '@props/warehouse';
import { distributionOf, realSlateLines, type Distribution } from '../test-support/box-score-distribution';
import { SAMPLES_DIR, TEST_SEED, seedTestWarehouse } from '../test-support/seeded-warehouse';
import { generateSeason } from '../generate-season';
import { readPlayerIndex, readSchedule } from '../sample-data';

let warehouse: string;
const scalar = async (sql: string): Promise<number> =>
  withWarehouse(warehouse, async (connection) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]));

beforeAll(async () => {
  warehouse = (await seedTestWarehouse()).out;
}, 120_000);

/** Stated tolerances: generated season vs the three real slates (points and minutes of players who played). */
const TOLERANCE: Record<keyof Distribution, number | null> = {
  games: null,
  playersPerGame: 2,
  fifteenMinutePlayersPerGame: 2,
  minutesMean: 2,
  pointsMean: 1,
  pointsMedian: 1.5,
  pointsSd: 1.2,
  pointsP75: 2,
  pointsP90: 3,
  zeroShare: 0.04,
  fifteenMinutePointsMean: 1.5,
};

describe('the local 2024-25 season', () => {
  it('matches the real box scores within stated tolerances (table printed)', async () => {
    const rows = await withWarehouse(warehouse, async (connection) =>
      (
        await connection.runAndReadAll(
          'SELECT game_id, CAST(minutes_played AS DOUBLE) AS minutes, points FROM nba_analytics.player_game_summary',
        )
      ).getRowObjectsJS(),
    );
    const generated = distributionOf(
      rows.map((row) => ({ gameId: String(row.game_id), minutes: Number(row.minutes), points: Number(row.points) })),
    );
    const real = distributionOf(realSlateLines(SAMPLES_DIR));
    const table = (Object.keys(TOLERANCE) as (keyof Distribution)[]).map((metric) => ({
      metric,
      real: Number(real[metric].toFixed(3)),
      generated: Number(generated[metric].toFixed(3)),
      tolerance: TOLERANCE[metric] === null ? '-' : `±${TOLERANCE[metric]}`,
    }));
    console.log(`calibration: generated season (${generated.games} games) vs real slates (${real.games} games)`);
    console.table(table);
    for (const metric of Object.keys(TOLERANCE) as (keyof Distribution)[]) {
      const tolerance = TOLERANCE[metric];
      if (tolerance !== null) expect(Math.abs(generated[metric] - real[metric]), metric).toBeLessThanOrEqual(tolerance);
    }
  });

  it('gives every team in every game exactly its real final score, across 1,230 regular-season games', async () => {
    expect(await scalar("SELECT count(*) FROM nba_raw.nbac_schedule WHERE season_type = 'regular'")).toBe(1230);
    const mismatches = await scalar(`
      SELECT count(*) FROM nba_raw.nbac_schedule s
      JOIN (SELECT game_id, team_abbr, sum(points) AS points FROM nba_analytics.player_game_summary GROUP BY ALL) p
        ON p.game_id = s.game_code AND p.team_abbr IN (s.home_team_abbr, s.away_team_abbr)
      WHERE p.points <> CASE WHEN p.team_abbr = s.home_team_abbr THEN s.home_team_score ELSE s.away_team_score END`);
    expect(mismatches).toBe(0);
    expect(await scalar('SELECT count(DISTINCT game_id) FROM nba_analytics.player_game_summary')).toBe(
      await scalar('SELECT count(*) FROM nba_raw.nbac_schedule'),
    );
  });

  it('posts 14-16 lines per game on x.5 values mostly, with an opening and a closing snapshot', async () => {
    const perGame = await scalar(
      "SELECT count(DISTINCT (game_id, player_lookup)) / count(DISTINCT game_id) FROM nba_raw.odds_api_player_points_props WHERE game_date >= '2024-11-15'",
    );
    expect(perGame).toBeGreaterThanOrEqual(13);
    expect(perGame).toBeLessThanOrEqual(17);
    expect(
      await scalar(
        "SELECT avg(CASE WHEN points_line % 1 = 0.5 THEN 1 ELSE 0 END) FROM nba_raw.odds_api_player_points_props WHERE snapshot_tag = 'closing'",
      ),
    ).toBeGreaterThan(0.8);
    expect(await scalar('SELECT min(points_line) FROM nba_raw.odds_api_player_points_props')).toBeGreaterThanOrEqual(
      0.5,
    );
    expect(
      await scalar(
        'SELECT count(*) FROM nba_raw.odds_api_player_points_props GROUP BY snapshot_tag ORDER BY 1 LIMIT 1',
      ),
    ).toBeGreaterThan(10_000);
  });

  it('stores 33 non-null features per row, and the four features the original left constant vary', async () => {
    expect(
      await scalar(
        `SELECT count(*) FROM nba_predictions.ml_feature_store_v2 WHERE len(features) <> ${FEATURE_NAMES.length} OR list_contains(features, NULL) OR feature_version <> 'v2_33features'`,
      ),
    ).toBe(0);
    for (const name of ['pace_score', 'usage_spike_score', 'back_to_back', 'team_win_pct']) {
      const index = FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]) + 1;
      expect(
        await scalar(`SELECT count(DISTINCT features[${index}]) FROM nba_predictions.ml_feature_store_v2`),
        name,
      ).toBeGreaterThanOrEqual(2);
    }
    expect(
      await scalar('SELECT min(feature_quality_score) FROM nba_predictions.ml_feature_store_v2'),
    ).toBeGreaterThanOrEqual(40);
    expect(
      await scalar(
        "SELECT avg(feature_quality_score) FROM nba_predictions.ml_feature_store_v2 WHERE game_date >= '2025-01-01'",
      ),
    ).toBeGreaterThan(85);
  });

  it('computes features from earlier games only: points_avg_last_5 is the mean of the 5 latest games before the date', async () => {
    const checked = await withWarehouse(
      warehouse,
      async (connection) =>
        (
          await connection.runAndReadAll(`
          WITH f AS (SELECT player_lookup, game_date, features[1] AS stored FROM nba_predictions.ml_feature_store_v2
                     WHERE feature_sources[1] = 'computed' AND game_date BETWEEN '2025-02-01' AND '2025-02-10')
          SELECT count(*) AS rows, count(*) FILTER (WHERE abs(stored - (
            SELECT avg(points) FROM (SELECT points FROM nba_analytics.player_game_summary p
              WHERE p.player_lookup = f.player_lookup AND p.game_date < f.game_date ORDER BY p.game_date DESC LIMIT 5))) > 1e-6) AS wrong
          FROM f`)
        ).getRowObjectsJS()[0]!,
    );
    expect(Number(checked.rows)).toBeGreaterThan(500);
    expect(Number(checked.wrong)).toBe(0);
  });

  it('is deterministic for a seed and different for another', () => {
    const schedule = readSchedule(SAMPLES_DIR);
    const players = readPlayerIndex(SAMPLES_DIR);
    const first = JSON.stringify(generateSeason(schedule, players, { seed: TEST_SEED }));
    expect(JSON.stringify(generateSeason(schedule, players, { seed: TEST_SEED }))).toBe(first);
    expect(JSON.stringify(generateSeason(schedule, players, { seed: TEST_SEED + 1 }))).not.toBe(first);
  }, 60_000);
});

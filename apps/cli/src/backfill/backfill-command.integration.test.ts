import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { FileBatchState, type BatchRecord } from '@props/prediction-batch';
import { seedWarehouse } from '@props/season';
import { WAREHOUSE_TABLES, datasetName, withWarehouse } from '@props/warehouse';
import { startGcsUploadStandIn } from '../test-support/gcs-upload-stand-in';
import { propsAsync } from '../test-support/props-process';

const root = resolve(import.meta.dirname, '../../../..');
const env = { ...process.env, METADATA_SERVER_DETECTION: 'none' };

function props(...args: string[]) {
  const result = spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface BackfillJson {
  totals: {
    dates: number;
    done: number;
    no_games: number;
    skipped: number;
    failed: number;
    rows: number;
    graded: number;
  };
  systems: Array<{ system_id: string; rows: number; graded: number }>;
  dates: Array<{
    game_date: string;
    status: string;
    reason: string | null;
    batch_id: string | null;
    rows: number;
    rows_replaced: number;
    graded: number;
    rows_per_system: Record<string, number>;
  }>;
}

let seeded: string;

/** A data folder of its own holding a copy of the seeded season. */
function dataDirWithSeason(name: string): { dataDir: string; warehouse: string } {
  const dataDir = mkdtempSync(join(tmpdir(), `props-backfill-${name}-`));
  copyFileSync(seeded, join(dataDir, 'warehouse.duckdb'));
  return { dataDir, warehouse: join(dataDir, 'warehouse.duckdb') };
}

async function query<T = Record<string, unknown>>(warehouse: string, sql: string): Promise<T[]> {
  return withWarehouse(warehouse, async (connection) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[]);
}

/** Everything a prediction says, without what differs per run (ids, timestamps, the batch). */
const PREDICTION_COLUMNS = `game_id, player_lookup, system_id, CAST(current_points_line AS DOUBLE) AS line, CAST(predicted_points AS DOUBLE) AS predicted, CAST(confidence_score AS DOUBLE) AS confidence,
  recommendation, CAST(line_margin AS DOUBLE) AS margin, has_prop_line, line_source, sportsbook, is_actionable, filter_reason, model_version, injury_status_at_prediction,
  CAST(feature_quality_score AS DOUBLE) AS quality, is_fallback, details, universal_player_id, similar_games_count, CAST(pace_adjustment AS DOUBLE) AS pace`;

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'props-backfill-seed-'));
  seeded = join(folder, 'warehouse.duckdb');
  await seedWarehouse({ samplesDir: join(root, 'data', 'nba-samples'), out: seeded, seed: 20241022 });
}, 180_000);

describe('props backfill', () => {
  it("writes for a date exactly what that date's daily batch through the services writes, grades it, and replaces on a re-run", async () => {
    const daily = dataDirWithSeason('daily');
    const run = props('run', '--data-dir', daily.dataDir, '--date', '2025-03-15');
    expect(run.code, run.stderr).toBe(0);

    const backfilled = dataDirWithSeason('range');
    const first = props(
      'backfill',
      '--from',
      '2025-03-14',
      '--to',
      '2025-03-16',
      '--warehouse',
      backfilled.warehouse,
      '--json',
    );
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as BackfillJson;
    expect(report.totals).toMatchObject({ dates: 3, done: 3, failed: 0, skipped: 0 });
    expect(first.stderr).toContain('backfill [##############################] 3/3');

    const dailyRows = await query(
      daily.warehouse,
      `SELECT ${PREDICTION_COLUMNS} FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-15' ORDER BY ALL`,
    );
    const backfillRows = await query(
      backfilled.warehouse,
      `SELECT ${PREDICTION_COLUMNS} FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-15' ORDER BY ALL`,
    );
    expect(dailyRows.length).toBeGreaterThan(500);
    expect(backfillRows).toEqual(dailyRows);
    // Graded as the daily batch grades it (a date the backfill writes first is graded from its merged rows).
    const grades = `SELECT * EXCLUDE (graded_at) FROM nba_predictions.prediction_accuracy WHERE game_date = DATE '2025-03-15' ORDER BY ALL`;
    const dailyGrades = await query(daily.warehouse, grades);
    expect(dailyGrades.length).toBeGreaterThan(100);
    expect(await query(backfilled.warehouse, grades)).toEqual(dailyGrades);

    // Every date consolidated once: its rows carry its one batch, recorded once in prediction_batches, and graded.
    for (const date of report.dates) {
      const [counts] = await query<{ rows: number; batches: number; graded: number; recorded: number }>(
        backfilled.warehouse,
        `SELECT (SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '${date.game_date}')::INTEGER AS rows,
                (SELECT count(DISTINCT batch_id) FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '${date.game_date}')::INTEGER AS batches,
                (SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = DATE '${date.game_date}')::INTEGER AS graded,
                (SELECT count(*) FROM nba_orchestration.prediction_batches WHERE batch_id = '${date.batch_id}')::INTEGER AS recorded`,
      );
      expect(counts).toEqual({ rows: date.rows, batches: 1, graded: date.graded, recorded: 1 });
      expect(date.graded).toBeGreaterThan(0);
    }
    expect(
      (
        await query(
          backfilled.warehouse,
          `SELECT DISTINCT system_id FROM nba_predictions.system_daily_performance WHERE game_date = DATE '2025-03-15'`,
        )
      ).length,
    ).toBe(7);

    // The season view reads what the backfill graded.
    const seasonReport = ['report', '--from', '2025-03-14', '--to', '2025-03-16', '--warehouse', backfilled.warehouse];
    const season = props(...seasonReport);
    const page = join(backfilled.dataDir, 'reports', 'season-2025-03-14-2025-03-16.html');
    expect(season.stdout, season.stderr).toBe(`season view of 2025-03-14 .. 2025-03-16: ${page}\n`);
    expect(readFileSync(page, 'utf8').match(/<figure class="chart"/g)).toHaveLength(4);
    // On the Cloud Run job the page goes to Cloud Storage (PROPS_REPORT_LOCATION), not to the job's disk.
    const gcs = await startGcsUploadStandIn(['props-reports']);
    try {
      const stored = await propsAsync(
        { STORAGE_EMULATOR_HOST: gcs.url, PROPS_REPORT_LOCATION: 'gs://props-reports/seasons/' },
        ...seasonReport,
      );
      const object = 'gs://props-reports/seasons/season-2025-03-14-2025-03-16.html';
      expect(stored.stdout, stored.stderr).toBe(`season view of 2025-03-14 .. 2025-03-16: ${object}\n`);
      const uploaded = gcs.objects.get('props-reports/seasons/season-2025-03-14-2025-03-16.html');
      expect(uploaded?.contentType).toBe('text/html; charset=utf-8');
      const withoutTime = (html: string) =>
        html.replace(/generated \d{4}-\d\d-\d\d \d\d:\d\d UTC/g, 'generated (time)');
      expect(withoutTime(uploaded?.body ?? '')).toBe(withoutTime(readFileSync(page, 'utf8')));
      const missing = await propsAsync(
        { STORAGE_EMULATOR_HOST: gcs.url },
        ...seasonReport,
        '--out',
        'gs://no-such-bucket/season.html',
      );
      expect([missing.code, missing.stderr.trim().split('\n')]).toEqual([
        1,
        ['props report: cannot write gs://no-such-bucket/season.html: The specified bucket does not exist.'],
      ]);
    } finally {
      await gcs.close();
    }
    const badOut = props('report', '--date', '2025-03-15', '--out', 'gs://', '--warehouse', backfilled.warehouse);
    expect([badOut.code, badOut.stderr.split('\n')[0]]).toEqual([
      2,
      'props report: --out: expected gs://bucket/path.html (lower-case gs, two slashes, a bucket and an object name), got "gs://"',
    ]);
    const empty = props('report', '--from', '2025-06-01', '--to', '2025-06-02', '--warehouse', backfilled.warehouse);
    expect([empty.code, empty.stderr]).toEqual([
      1,
      'props report: nothing is graded between 2025-06-01 and 2025-06-02: run props backfill --from 2025-06-01 --to 2025-06-02 (or props grade --date 2025-06-01..2025-06-02) first\n',
    ]);
    const both = props('report', '--date', '2025-03-15', '--from', '2025-03-14', '--warehouse', backfilled.warehouse);
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'props report: give --date, or --from and --to']);

    // Grading watches the served system's 7-day hit rate, and a day without games is no failure.
    const grade = (minimum: string, date: string) =>
      spawnSync(
        process.execPath,
        ['tools/bin/props.cjs', 'grade', '--date', date, '--warehouse', backfilled.warehouse],
        { cwd: root, encoding: 'utf8', env: { ...env, PROPS_ACCURACY_ALERT_MIN: minimum } },
      );
    const strict = grade('0.99', '2025-03-16');
    expect(strict.stdout, strict.stderr).toMatch(
      /catboost_v8 over 2025-03-10 \.\. 2025-03-16: \d+ decided picks, hit rate \d+\.\d% UNDER the alert minimum 99\.0%/,
    );
    expect(strict.stderr).toContain('"event":"grading_accuracy_low"');
    expect(strict.status).toBe(0);
    const lenient = grade('0.01', '2025-03-16');
    expect(lenient.stderr).not.toContain('grading_accuracy_low');
    const allStar = grade('0.5', '2025-02-15');
    expect([allStar.status, allStar.stdout.trim()]).toEqual([
      0,
      'no games were scheduled on 2025-02-15: nothing to grade',
    ]);
    expect(allStar.stderr).toContain('"event":"grading_no_games"');

    // A row of a key the re-run does not write stays, and the re-run's grading reads it with the rest.
    await query(
      backfilled.warehouse,
      `INSERT INTO nba_predictions.player_prop_predictions SELECT * REPLACE ('other_v1' AS system_id, 'other-1' AS prediction_id)
         FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-15' AND system_id = 'catboost_v8'
           AND has_prop_line AND line_source = 'ACTUAL_PROP' AND current_points_line != 20 LIMIT 1`,
    );
    // A re-run of the range replaces every row (same keys, same count), never adds.
    const second = props(
      'backfill',
      '--from',
      '2025-03-14',
      '--to',
      '2025-03-16',
      '--warehouse',
      backfilled.warehouse,
      '--json',
    );
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as BackfillJson;
    expect(again.dates.map((date) => [date.rows, date.rows_replaced])).toEqual(
      report.dates.map((date) => [date.rows, date.rows]),
    );
    expect(again.dates.map((date) => date.graded)).toEqual(
      report.dates.map((date) => date.graded + (date.game_date === '2025-03-15' ? 1 : 0)),
    );
    const [duplicates] = await query<{ keys: number; empty: number; total: number }>(
      backfilled.warehouse,
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM nba_predictions.player_prop_predictions GROUP BY game_id, player_lookup, system_id, current_points_line HAVING count(*) > 1))::INTEGER AS keys,
              (SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE model_version IS NULL OR model_version = '')::INTEGER AS empty,
              (SELECT count(*) FROM nba_predictions.player_prop_predictions)::INTEGER AS total`,
    );
    expect(duplicates).toEqual({ keys: 0, empty: 0, total: report.totals.rows + 1 });
  }, 600_000);

  it('reports each bad date with its reason, goes on with the others, and says in its exit status whether every date succeeded', async () => {
    const { dataDir, warehouse } = dataDirWithSeason('bad');
    // All-Star break: 2025-02-14 .. 2025-02-18 have no games; the dates around it do.
    const allStar = props(
      'backfill',
      '--from',
      '2025-02-13',
      '--to',
      '2025-02-20',
      '--warehouse',
      warehouse,
      '--json',
      '--no-grade',
    );
    expect(allStar.code, allStar.stderr).toBe(0);
    const breakReport = JSON.parse(allStar.stdout) as BackfillJson;
    expect(breakReport.dates.map((date) => date.status)).toEqual([
      'done',
      'no_games',
      'no_games',
      'no_games',
      'no_games',
      'no_games',
      'done',
      'done',
    ]);
    expect(breakReport.dates[1]!.reason).toBe('no games are scheduled on 2025-02-14');
    expect(breakReport.dates[0]!.graded).toBe(0);

    // Opening week: games, but no lines yet and too few games to estimate one; reported, not failed.
    const opening = props('backfill', '--from', '2024-10-22', '--to', '2024-10-23', '--warehouse', warehouse, '--json');
    expect(opening.code, opening.stderr).toBe(0);
    const openingReport = JSON.parse(opening.stdout) as BackfillJson;
    expect(openingReport.dates.map((date) => date.status)).toEqual(['no_players', 'no_players']);
    expect(openingReport.dates[1]!.reason).toMatch(
      /^no eligible players \(dropped: \{.*"under 15 minutes and no line":\d+/,
    );

    // Outside the schedule: each date fails with the schedule's range; exit 1.
    const outside = props('backfill', '--from', '2025-07-01', '--to', '2025-07-02', '--warehouse', warehouse);
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(
      /2025-07-01 {2}failed +outside the warehouse's schedule: game date 2025-07-01 is unknown to the warehouse: its schedule covers \d{4}-\d\d-\d\d \.\. 2025-06-22/,
    );
    expect(outside.stdout).toContain('per system:\n  no rows written\n');
    expect(outside.stdout).toContain(
      '2 dates: 0 done, 0 without games, 0 without eligible players, 0 skipped, 2 failed',
    );

    // A date whose batch the coordinator is running is skipped (never merged into); the others are done.
    const lock = new DistributedLock(new LocalLockBackend(join(dataDir, 'locks')));
    mkdirSync(join(dataDir, 'batches'), { recursive: true });
    const running: BatchRecord = {
      batch_id: 'batch_2025-03-11_1_abcdef',
      game_date: '2025-03-11',
      dataset_prefix: '',
      status: 'running',
      created_at: new Date().toISOString(),
      stall_deadline: new Date().toISOString(),
      players: ['somebody'],
      message_ids: { somebody: 'batch_2025-03-11_1_abcdef.somebody' },
      selection_dropped: {},
      load: { path: 'one_query', fallback_reason: null, duration_ms: 1, missing: [] },
      republished_at: null,
      consolidating_since: null,
      consolidation: null,
      last_error: null,
    };
    await new FileBatchState(join(dataDir, 'batches'), lock).create(running, { somebody: {} });
    const skipped = props('backfill', '--from', '2025-03-10', '--to', '2025-03-12', '--warehouse', warehouse, '--json');
    expect(skipped.code).toBe(1);
    const skipReport = JSON.parse(skipped.stdout) as BackfillJson;
    expect(skipReport.dates.map((date) => [date.game_date, date.status])).toEqual([
      ['2025-03-10', 'done'],
      ['2025-03-11', 'skipped'],
      ['2025-03-12', 'done'],
    ]);
    expect(skipReport.dates[1]!.reason).toBe('batch batch_2025-03-11_1_abcdef of the date is running');
    expect(
      await query(
        warehouse,
        `SELECT 1 FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-11'`,
      ),
    ).toEqual([]);

    // --systems keeps only the named systems' rows.
    const only = props(
      'backfill',
      '--from',
      '2025-03-15',
      '--to',
      '2025-03-15',
      '--systems',
      'catboost_v8',
      '--warehouse',
      warehouse,
      '--json',
      '--no-grade',
    );
    expect(only.code, only.stderr).toBe(0);
    expect(Object.keys((JSON.parse(only.stdout) as BackfillJson).dates[0]!.rows_per_system)).toEqual(['catboost_v8']);
    expect(
      await query(
        warehouse,
        `SELECT DISTINCT system_id FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-15'`,
      ),
    ).toEqual([{ system_id: 'catboost_v8' }]);

    // Bad arguments and a missing model: one line each naming the problem, no stack trace, nothing written.
    const cases: Array<[string[], number, string]> = [
      [
        ['--from', '2025-03-16', '--to', '2025-03-10'],
        2,
        '--from/--to: the range 2025-03-16..2025-03-10 ends before it starts',
      ],
      [['--from', '2025-3-16', '--to', '2025-03-20'], 2, '--from: expected YYYY-MM-DD, got 2025-3-16'],
      [['--to', '2025-03-20'], 2, '--from is required (YYYY-MM-DD)'],
      [
        ['--from', '2024-01-01', '--to', '2025-03-20'],
        2,
        '--from/--to: the range 2024-01-01..2025-03-20 has 445 days; at most 400 per run',
      ],
      [
        ['--from', '2025-03-16', '--to', '2025-03-16', '--systems', 'catboost_v9'],
        2,
        '--systems: unknown system "catboost_v9"; the systems are moving_average, zone_matchup_v1, similarity_balanced_v1, catboost_v8, xgboost_v1, ensemble_v1, ensemble_v1_1',
      ],
    ];
    for (const [args, code, message] of cases) {
      const refused = props('backfill', ...args, '--warehouse', warehouse);
      expect(refused.stderr).toContain(message);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(refused.code).toBe(code);
    }
    const noModels = spawnSync(
      process.execPath,
      ['tools/bin/props.cjs', 'backfill', '--from', '2025-03-16', '--to', '2025-03-16', '--warehouse', warehouse],
      { cwd: root, encoding: 'utf8', env: { ...env, PROPS_MODEL_DIR: join(dataDir, 'no-models') } },
    );
    expect(noModels.stderr).toMatch(/^props backfill: .*catboost_v8.*no-models/m);
    expect(noModels.stderr).not.toMatch(/\n\s+at /);
    expect(noModels.status).toBe(1);
    expect(
      await query(
        warehouse,
        `SELECT 1 FROM nba_predictions.player_prop_predictions WHERE game_date = DATE '2025-03-16'`,
      ),
    ).toEqual([]);
  }, 600_000);

  it("backtests on a dataset prefix: predictions and grading go to the prefix's tables, production's stay as they were", async () => {
    const { warehouse } = dataDirWithSeason('prefix');
    await withWarehouse(warehouse, async (connection) => {
      for (const table of WAREHOUSE_TABLES) {
        await connection.run(`CREATE SCHEMA IF NOT EXISTS ${datasetName(table, 'bt')}`);
        await connection.run(
          `CREATE TABLE ${datasetName(table, 'bt')}.${table.name} AS SELECT * FROM ${datasetName(table)}.${table.name}`,
        );
      }
    });
    const run = props(
      'backfill',
      '--from',
      '2025-03-15',
      '--to',
      '2025-03-15',
      '--dataset-prefix',
      'bt',
      '--warehouse',
      warehouse,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const [date] = (JSON.parse(run.stdout) as BackfillJson).dates;
    const [counts] = await query<Record<string, number>>(
      warehouse,
      `SELECT (SELECT count(*) FROM bt_nba_predictions.player_prop_predictions)::INTEGER AS bt_rows,
              (SELECT count(*) FROM bt_nba_predictions.prediction_accuracy)::INTEGER AS bt_graded,
              (SELECT count(*) FROM bt_nba_orchestration.prediction_batches)::INTEGER AS bt_batches,
              (SELECT count(*) FROM nba_predictions.player_prop_predictions)::INTEGER AS rows,
              (SELECT count(*) FROM nba_predictions.prediction_accuracy)::INTEGER AS graded,
              (SELECT count(*) FROM nba_orchestration.prediction_batches)::INTEGER AS batches`,
    );
    expect(date!.rows).toBeGreaterThan(500);
    expect(date!.graded).toBeGreaterThan(500);
    expect(counts).toEqual({
      bt_rows: date!.rows,
      bt_graded: date!.graded,
      bt_batches: 1,
      rows: 0,
      graded: 0,
      batches: 0,
    });
  }, 300_000);
});

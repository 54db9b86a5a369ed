import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';

const root = resolve(import.meta.dirname, '../../../..');
const props = (...args: string[]) =>
  spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

/** The predictions and grading tables as the previous build (schema version 4) wrote them: 22 and 19 columns. */
const VERSION_4_TABLES = `
DROP TABLE nba_predictions.player_prop_predictions;
CREATE TABLE nba_predictions.player_prop_predictions (
  prediction_id VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, message_id VARCHAR NOT NULL, system_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
  player_lookup VARCHAR NOT NULL, game_id VARCHAR NOT NULL, game_date DATE NOT NULL, line DECIMAL(4,1), line_source VARCHAR, sportsbook VARCHAR,
  predicted_points DECIMAL(5,1) NOT NULL, confidence_score DOUBLE NOT NULL, recommendation VARCHAR NOT NULL, line_margin DOUBLE, is_actionable BOOLEAN NOT NULL,
  filter_reason VARCHAR, feature_quality_score DOUBLE, is_fallback BOOLEAN NOT NULL, details VARCHAR, created_at TIMESTAMPTZ NOT NULL, fencing_token BIGINT NOT NULL);
CREATE INDEX player_prop_predictions_key ON nba_predictions.player_prop_predictions (game_id, player_lookup, system_id, line);
DROP TABLE nba_predictions.prediction_accuracy;
CREATE TABLE nba_predictions.prediction_accuracy (
  player_lookup VARCHAR NOT NULL, game_id VARCHAR NOT NULL, game_date DATE NOT NULL, system_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
  predicted_points DECIMAL(5,1) NOT NULL, confidence_score DECIMAL(4,3) NOT NULL, confidence_decile BIGINT NOT NULL, recommendation VARCHAR NOT NULL,
  line_value DECIMAL(4,1), actual_points BIGINT, minutes_played DECIMAL(5,1), absolute_error DECIMAL(5,1), signed_error DECIMAL(5,1),
  prediction_correct BOOLEAN, is_push BOOLEAN NOT NULL, is_voided BOOLEAN NOT NULL, void_reason VARCHAR, graded_at TIMESTAMPTZ NOT NULL);
DROP TABLE nba_predictions.system_daily_performance;
INSERT INTO nba_predictions.player_prop_predictions
  SELECT 'p' || i, 'batch_old', 'm' || i, 'catboost_v8', 'v8', 'player' || i, '20250315_BOS_LAL', DATE '2025-03-15', 20.5 + i, CASE WHEN i % 2 = 0 THEN 'ACTUAL_PROP' ELSE 'ESTIMATED_AVG' END, 'DRAFTKINGS',
    21.0 + i, 0.8, 'OVER', 0.5, true, NULL, 90, false, '{}', TIMESTAMPTZ '2025-03-15 18:00:00+00', 7 FROM range(40) AS t(i);
INSERT INTO nba_predictions.prediction_accuracy
  SELECT 'player' || i, '20250315_BOS_LAL', DATE '2025-03-15', 'catboost_v8', 'v8', 21.0 + i, 0.8, 9, 'OVER', 20.5 + i, 22 + i, 30, 1, -1, true, false, false, NULL, TIMESTAMPTZ '2025-03-16 08:00:00+00' FROM range(40) AS t(i);
DELETE FROM nba_orchestration.warehouse_schema;
INSERT INTO nba_orchestration.warehouse_schema VALUES (4, now());`;

let version4: string;

beforeAll(async () => {
  version4 = (
    await seedWarehouse({
      samplesDir: 'data/nba-samples',
      out: join(mkdtempSync(join(tmpdir(), 'props-migrate-')), 'warehouse.duckdb'),
      seed: 3,
    })
  ).out;
  await withWarehouse(version4, (connection) => connection.run(VERSION_4_TABLES));
}, 180_000);

function copyOfVersion4(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'props-migrate-')), 'warehouse.duckdb');
  copyFileSync(version4, path);
  return path;
}

describe('props warehouse migrate (DuckDB)', () => {
  it('brings a warehouse of the 22-column shape to the consumer shape with every row kept, and a second run changes nothing', async () => {
    const seeded = copyOfVersion4();
    const before = await withWarehouse(seeded, async (connection) =>
      (
        await connection.runAndReadAll(
          'SELECT prediction_id, CAST(line AS DOUBLE) AS line FROM nba_predictions.player_prop_predictions ORDER BY 1',
        )
      ).getRowObjectsJS(),
    );
    const first = props('warehouse', 'migrate', '--warehouse', seeded);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      'nba_predictions.player_prop_predictions: added current_points_line, existing rows copied from line',
    );
    expect(first.stdout).toContain(
      'nba_predictions.player_prop_predictions: added is_active (as NULLABLE: a required column added to a table with rows), existing rows set to TRUE',
    );
    expect(first.stdout).toContain(
      'nba_predictions.player_prop_predictions: kept line (no longer written; never dropped)',
    );
    expect(first.stdout).toContain('nba_predictions.system_daily_performance: created');
    expect(first.stdout).toContain('schema version 5 recorded');
    const after = await withWarehouse(seeded, async (connection) =>
      (
        await connection.runAndReadAll(
          'SELECT prediction_id, CAST(current_points_line AS DOUBLE) AS line, is_active, prediction_version, has_prop_line, line_source, updated_at FROM nba_predictions.player_prop_predictions ORDER BY 1',
        )
      ).getRowObjectsJS(),
    );
    expect(after.map((row) => ({ prediction_id: row.prediction_id, line: row.line }))).toEqual(before);
    expect(
      after.every((row) => row.is_active === true && Number(row.prediction_version) === 1 && row.updated_at === null),
    ).toBe(true);
    expect(after.every((row) => row.has_prop_line === (row.line_source === 'ACTUAL_PROP'))).toBe(true);
    const graded = await withWarehouse(seeded, async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            'SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE within_3_points IS NULL',
          )
        ).getRows()[0]![0],
      ),
    );
    expect(graded).toBe(40);

    const second = props('warehouse', 'migrate', '--warehouse', seeded);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(`${seeded}: every table already has this build's shape; nothing changed\n`);
    // The migrated warehouse is one this build reads: grading and verification accept it.
    const verified = props('verify', '--date', '2025-03-15', '--warehouse', seeded);
    expect(verified.stdout).toMatch(/model_version check, game_date 2025-03-15: 40 rows, 0 without a model_version/);
  }, 240_000);

  it('refuses a column whose type would change, naming it, and changes nothing', async () => {
    const retyped = copyOfVersion4();
    await withWarehouse(retyped, (connection) =>
      connection.run('ALTER TABLE nba_predictions.prediction_accuracy ALTER COLUMN line_value TYPE VARCHAR'),
    );
    const refused = props('warehouse', 'migrate', '--warehouse', retyped);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      "nba_predictions.prediction_accuracy.line_value is VARCHAR in the warehouse and DECIMAL(4,1) in this build; changing a column's type can lose data",
    );
    const columns = await withWarehouse(retyped, async (connection) =>
      (
        await connection.runAndReadAll(
          "SELECT column_name FROM information_schema.columns WHERE table_name = 'prediction_accuracy'",
        )
      )
        .getRows()
        .map((row) => String(row[0])),
    );
    expect(columns).not.toContain('within_5_points');
    expect(columns).toHaveLength(19);
  }, 240_000);

  it('with --dataset-prefix migrates the prefixed tables and leaves the unprefixed ones as they were', async () => {
    const seeded = copyOfVersion4();
    const prefixedVersion4 = VERSION_4_TABLES.split('DELETE FROM nba_orchestration')[0]!
      .replaceAll('DROP TABLE nba_predictions.', 'DROP TABLE IF EXISTS p7_nba_predictions.')
      .replaceAll('nba_predictions.', 'p7_nba_predictions.');
    await withWarehouse(seeded, (connection) =>
      connection.run(`CREATE SCHEMA p7_nba_predictions; ${prefixedVersion4}`),
    );
    const migrated = props('warehouse', 'migrate', '--warehouse', seeded, '--dataset-prefix', 'p7');
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(
      'p7_nba_predictions.player_prop_predictions: added current_points_line, existing rows copied from line',
    );
    expect(migrated.stdout).not.toMatch(/^ {2}nba_predictions\./m);
    expect(migrated.stdout).not.toContain('schema version');
    const shape = await withWarehouse(seeded, async (connection) =>
      (
        await connection.runAndReadAll(
          "SELECT table_schema, count(*) AS columns FROM information_schema.columns WHERE table_name = 'player_prop_predictions' GROUP BY 1 ORDER BY 1",
        )
      ).getRowObjectsJS(),
    );
    const version = await withWarehouse(seeded, async (connection) =>
      Number(
        (
          await connection.runAndReadAll('SELECT max(version) FROM nba_orchestration.warehouse_schema')
        ).getRows()[0]![0],
      ),
    );
    expect(shape.find((row) => row.table_schema === 'nba_predictions')?.columns).toBe(22n);
    expect(Number(shape.find((row) => row.table_schema === 'p7_nba_predictions')?.columns)).toBeGreaterThan(22);
    expect(version).toBe(4);
    const rows = await withWarehouse(seeded, async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            'SELECT count(*) FROM p7_nba_predictions.player_prop_predictions WHERE current_points_line IS NOT NULL',
          )
        ).getRows()[0]![0],
      ),
    );
    expect(rows).toBe(40);
    // A bad prefix is refused before the file is opened, naming the option.
    const refused = props('warehouse', 'migrate', '--warehouse', seeded, '--dataset-prefix', 'p7-x');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /^props warehouse migrate: --dataset-prefix: expected letters, digits and underscores only \(at most 64\), got "p7-x"\n/,
    );
    const schema = props('warehouse', 'schema', '--duckdb', '--dataset-prefix', 'p7-x');
    expect(schema.status).toBe(2);
    expect(schema.stdout).toBe('');
    expect(schema.stderr).toMatch(/^props warehouse schema: --dataset-prefix: expected letters, .* got "p7-x"\n/);
  }, 240_000);

  it('refuses a warehouse of a newer schema version in one line naming both versions, and changes nothing', async () => {
    const newer = copyOfVersion4();
    await withWarehouse(newer, (connection) =>
      connection.run('INSERT INTO nba_orchestration.warehouse_schema VALUES (99, now())'),
    );
    const refused = props('warehouse', 'migrate', '--warehouse', newer);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/schema version 99, newer than this build's 5; nothing was changed/);
    const columns = await withWarehouse(newer, async (connection) =>
      Number(
        (
          await connection.runAndReadAll(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'nba_predictions' AND table_name = 'player_prop_predictions'",
          )
        ).getRows()[0]![0],
      ),
    );
    expect(columns).toBe(22);
  }, 240_000);
});

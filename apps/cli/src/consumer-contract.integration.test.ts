import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PLAYER_PROP_PREDICTIONS,
  PREDICTION_ACCURACY,
  renderBigQuerySchema,
  renderDuckdbDdl,
  withWarehouse,
  type TableDefinition,
} from '@props/warehouse';
import {
  ACCURACY_CONSUMER_VIEW,
  PREDICTIONS_CONSUMER_VIEW,
  familyOfBigQueryType,
  familyOfDuckdbType,
  type ConsumerColumn,
} from './test-support/consumer-view';

const root = resolve(import.meta.dirname, '../../..');
const DATE = '2025-03-15';
const TABLES: Array<[TableDefinition, readonly ConsumerColumn[]]> = [
  [PLAYER_PROP_PREDICTIONS, PREDICTIONS_CONSUMER_VIEW],
  [PREDICTION_ACCURACY, ACCURACY_CONSUMER_VIEW],
];

let dataDir: string;
let runOutput: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'props-contract-'));
  const result = spawnSync(process.execPath, ['tools/bin/props.cjs', 'run', '--data-dir', dataDir, '--workers', '2'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  runOutput = `${result.stdout}\n${result.stderr}`;
  expect(result.status, runOutput.slice(-3000)).toBe(0);
}, 320_000);

describe('the consumer contract of player_prop_predictions and prediction_accuracy (docs/operations/cutover.md)', () => {
  it.each(TABLES.map(([table, view]) => [table.name, table, view] as const))(
    '%s: every column a consumer reads is in the definition, rendered for DuckDB and BigQuery with the type family it is read as',
    async (_name, table, view) => {
      const bigquery = new Map(
        renderBigQuerySchema(table).map((field) => [field.name, familyOfBigQueryType(field.type)]),
      );
      const duckdb = await withWarehouse(':memory:', async (connection) => {
        await connection.run(renderDuckdbDdl(table));
        const rows = (
          await connection.runAndReadAll(
            'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1',
            [table.name],
          )
        ).getRowObjectsJS();
        return new Map(rows.map((row) => [String(row.column_name), familyOfDuckdbType(String(row.data_type))]));
      });
      const mismatches = view.filter(
        (consumer) =>
          bigquery.get(consumer.column) !== consumer.family || duckdb.get(consumer.column) !== consumer.family,
      );
      expect(
        mismatches.map(
          (consumer) =>
            `${consumer.column}: read as ${consumer.family}, BigQuery ${bigquery.get(consumer.column) ?? 'missing'}, DuckDB ${duckdb.get(consumer.column) ?? 'missing'}`,
        ),
      ).toEqual([]);
    },
  );

  it.each(TABLES.map(([table, view]) => [table.name, table, view] as const))(
    '%s: every row a real local batch and its grading wrote means what each consumer assumes',
    async (_name, table, view) => {
      const rows = await withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
        (
          await connection.runAndReadAll(
            `SELECT * FROM ${table.dataset}.${table.name} WHERE game_date = CAST($1 AS DATE)`,
            [DATE],
          )
        ).getRowObjectsJS(),
      );
      expect(rows.length).toBeGreaterThan(100);
      const broken: string[] = [];
      for (const consumer of view) {
        const failing = rows.filter(
          (row) => !(consumer.column in row) || (consumer.holds !== undefined && !consumer.holds(row)),
        );
        if (failing.length > 0)
          broken.push(
            `${consumer.column} (${consumer.meaning}; read by ${consumer.readers}): ${failing.length} of ${rows.length} rows, e.g. ${JSON.stringify(failing[0], (_key, value) => (typeof value === 'bigint' ? Number(value) : value)).slice(0, 400)}`,
          );
      }
      expect(broken).toEqual([]);
    },
  );

  it('the grading wrote the daily per-system aggregation, and the batch published one phase-5 completion', async () => {
    const systems = await withWarehouse(join(dataDir, 'warehouse.duckdb'), async (connection) =>
      (
        await connection.runAndReadAll(
          'SELECT system_id, predictions_count, recommendations_count, correct_count, win_rate FROM nba_predictions.system_daily_performance WHERE game_date = CAST($1 AS DATE) ORDER BY 1',
          [DATE],
        )
      ).getRowObjectsJS(),
    );
    expect(systems.map((row) => row.system_id)).toEqual([
      'catboost_v8',
      'ensemble_v1',
      'ensemble_v1_1',
      'moving_average',
      'similarity_balanced_v1',
      'xgboost_v1',
      'zone_matchup_v1',
    ]);
    for (const row of systems) expect(Number(row.correct_count)).toBeLessThanOrEqual(Number(row.recommendations_count));
    const notices = readFileSync(join(dataDir, 'outbox', 'nba-phase5-predictions-complete.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(notices).toHaveLength(1);
    expect(notices[0].data).toMatchObject({
      processor_name: 'PredictionCoordinator',
      phase: 'phase_5_predictions',
      game_date: DATE,
      status: 'success',
      metadata: { completion_pct: 100 },
    });
    expect(notices[0].data.metadata.completed_predictions).toBeGreaterThan(300);
  });
});

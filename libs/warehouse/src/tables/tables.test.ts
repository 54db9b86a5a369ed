import { describe, expect, it } from 'vitest';
import { withWarehouse } from '../local/duckdb-warehouse';
import { renderBigQuerySchema, type BigQueryField } from '../render-bigquery-schema';
import { renderDuckdbDdl } from '../render-duckdb-ddl';
import { DatasetPrefixError } from '@props/contracts';
import { datasetName } from '../dataset-prefix';
import { RowShapeError, insertRows } from '../local/insert-rows';
import { PREDICTION_BATCHES } from './predictions';
import { WAREHOUSE_TABLES } from './warehouse-tables';

/** What DuckDB's information_schema must say for a BigQuery field, written out independently of the renderer. */
function expectedDuckdbType(field: BigQueryField): string {
  const base = {
    STRING: 'VARCHAR',
    INT64: 'BIGINT',
    FLOAT64: 'DOUBLE',
    BOOL: 'BOOLEAN',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMP WITH TIME ZONE',
    JSON: 'JSON',
    NUMERIC: `DECIMAL(${field.precision},${field.scale})`,
  }[field.type];
  return field.mode === 'REPEATED' ? `${base}[]` : base;
}

describe('table definitions', () => {
  it('render to BigQuery schemas and DuckDB tables that agree column by column', async () => {
    await withWarehouse(':memory:', async (connection) => {
      for (const table of WAREHOUSE_TABLES) {
        await connection.run(renderDuckdbDdl(table));
        const duckdb = (
          await connection.runAndReadAll(
            'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
            [table.dataset, table.name],
          )
        ).getRowObjectsJS();
        const bigquery = renderBigQuerySchema(table);
        expect(
          duckdb.map((column) => column.column_name),
          `${table.name}: column names and order`,
        ).toEqual(bigquery.map((field) => field.name));
        bigquery.forEach((field, index) => {
          const column = duckdb[index]!;
          expect(`${field.name} ${column.data_type}`).toBe(`${field.name} ${expectedDuckdbType(field)}`);
          expect(`${field.name} nullable=${column.is_nullable}`).toBe(
            `${field.name} nullable=${field.mode === 'REQUIRED' ? 'NO' : field.mode === 'REPEATED' ? 'NO' : 'YES'}`,
          );
        });
      }
    });
  });

  it('keeps prop lines DECIMAL(4,1) so 24.5 rounds to 25 as in BigQuery, where a DOUBLE would round to 24', async () => {
    const lines = WAREHOUSE_TABLES.flatMap((table) =>
      table.columns.filter((column) => ['current_points_line', 'points_line', 'line'].includes(column.name)),
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const column of lines) expect(column.type).toEqual({ kind: 'NUMERIC', precision: 4, scale: 1 });
    await withWarehouse(':memory:', async (connection) => {
      const row = (
        await connection.runAndReadAll(
          'SELECT CAST(CAST(24.5 AS DECIMAL(4,1)) AS BIGINT), CAST(CAST(24.5 AS DOUBLE) AS BIGINT)',
        )
      ).getRowsJS()[0]!;
      expect(row.map(Number)).toEqual([25, 24]);
    });
  });

  it('renders schemas bq mk accepts: REQUIRED/NULLABLE/REPEATED modes, NUMERIC precision and scale as strings', () => {
    const features = renderBigQuerySchema(WAREHOUSE_TABLES.find((table) => table.name === 'ml_feature_store_v2')!);
    expect(features.find((field) => field.name === 'features')).toMatchObject({ type: 'FLOAT64', mode: 'REPEATED' });
    expect(features.find((field) => field.name === 'feature_quality_score')).toMatchObject({
      type: 'NUMERIC',
      precision: '5',
      scale: '2',
      mode: 'REQUIRED',
    });
  });

  it("refuses a row that cannot be written in the table's shape, naming the column, and writes none of the rows", async () => {
    await withWarehouse(':memory:', async (connection) => {
      await connection.run(renderDuckdbDdl(PREDICTION_BATCHES));
      const row = {
        batch_id: 'b1',
        game_date: '2025-03-15',
        players_expected: 3,
        players_completed: 3,
        rows_merged: 18,
        fencing_token: 1,
        load_path: 'one_query',
        consolidated_at: '2025-03-15T18:00:00Z',
      };
      const { rows_merged: _dropped, ...withoutRowsMerged } = row;
      await expect(insertRows(connection, PREDICTION_BATCHES, [row, withoutRowsMerged])).rejects.toThrow(
        new RowShapeError(
          'nba_orchestration.prediction_batches row 1: required column rows_merged has no value; nothing was written',
        ),
      );
      await expect(insertRows(connection, PREDICTION_BATCHES, [{ ...row, line: 20.5 }])).rejects.toThrow(
        new RowShapeError(
          'nba_orchestration.prediction_batches row 0: column line is not in the table; nothing was written',
        ),
      );
      // After rows of a shape that passed: a row with one more key, and one with a key renamed.
      const { load_path: loadPath, ...withoutLoadPath } = row;
      for (const [other, column] of [
        [{ ...row, line: 20.5 }, 'line'],
        [{ ...withoutLoadPath, load_route: loadPath }, 'load_route'],
      ] as const)
        await expect(insertRows(connection, PREDICTION_BATCHES, [row, row, other])).rejects.toThrow(
          new RowShapeError(
            `nba_orchestration.prediction_batches row 2: column ${column} is not in the table; nothing was written`,
          ),
        );
      expect(
        Number(
          (
            await connection.runAndReadAll('SELECT count(*) FROM nba_orchestration.prediction_batches')
          ).getRows()[0]![0],
        ),
      ).toBe(0);
    });
  });

  it('writes every row of many, each once and as given (the file is written a slice of rows at a time)', async () => {
    await withWarehouse(':memory:', async (connection) => {
      await connection.run(renderDuckdbDdl(PREDICTION_BATCHES));
      const rows = Array.from({ length: 2_501 }, (_, index) => ({
        batch_id: `b${index}`,
        game_date: '2025-03-15',
        players_expected: index,
        players_completed: index,
        rows_merged: index * 6,
        fencing_token: 1,
        load_path: 'one_query',
        consolidated_at: '2025-03-15T18:00:00Z',
      }));
      await insertRows(connection, PREDICTION_BATCHES, rows);
      const [count, distinct, total] = (
        await connection.runAndReadAll(
          'SELECT count(*), count(DISTINCT batch_id), sum(rows_merged) FROM nba_orchestration.prediction_batches',
        )
      )
        .getRows()[0]!
        .map(Number);
      expect([count, distinct, total]).toEqual([2_501, 2_501, 6 * ((2_500 * 2_501) / 2)]);
    });
  });

  it('refuses a dataset_prefix with anything but letters, digits and underscores, naming the field', () => {
    expect(datasetName({ dataset: 'nba_raw' }, 'ci_run_7')).toBe('ci_run_7_nba_raw');
    for (const prefix of ['a-b', 'x.y', 'drop table;', 'a b', '`x`']) {
      expect(() => datasetName({ dataset: 'nba_raw' }, prefix)).toThrow(DatasetPrefixError);
      expect(() => datasetName({ dataset: 'nba_raw' }, prefix)).toThrow(
        /^dataset_prefix: expected letters, digits and underscores/,
      );
    }
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { WAREHOUSE_SCHEMA_VERSION, WAREHOUSE_TABLES } from '../tables/warehouse-tables';
import { datasetName } from '../dataset-prefix';
import { withWarehouse } from './duckdb-warehouse';
import { ensureWarehouseTables, requireCurrentSchema } from './warehouse-schema';

const freshWarehouse = () => join(mkdtempSync(join(tmpdir(), 'props-ensure-')), 'warehouse.duckdb');

async function keyIndexes(connection: DuckDBConnection): Promise<string[]> {
  const rows = await connection.runAndReadAll(
    "SELECT schema_name || '.' || index_name FROM duckdb_indexes() WHERE database_name = current_database() ORDER BY 1",
  );
  return rows.getRows().map(([name]) => String(name));
}

async function versions(connection: DuckDBConnection): Promise<string[]> {
  const rows = await connection.runAndReadAll(
    'SELECT CAST(version AS VARCHAR) || CAST(created_at AS VARCHAR) FROM nba_orchestration.warehouse_schema',
  );
  return rows.getRows().map(([row]) => String(row));
}

const EVERY_KEY_INDEX = WAREHOUSE_TABLES.map((table) => `${datasetName(table)}.${table.name}_key`).sort();

describe('ensureWarehouseTables', () => {
  it('creates every table with its key index and records the version in an empty file', async () => {
    await withWarehouse(freshWarehouse(), async (connection) => {
      await ensureWarehouseTables(connection);
      expect(await keyIndexes(connection)).toEqual(EVERY_KEY_INDEX);
      await requireCurrentSchema(connection, 'fresh');
      expect(await versions(connection)).toHaveLength(1);
    });
  });

  it('on a complete warehouse changes nothing (the recorded version stays as it was)', async () => {
    await withWarehouse(freshWarehouse(), async (connection) => {
      await ensureWarehouseTables(connection);
      const before = await versions(connection);
      await ensureWarehouseTables(connection);
      expect(await versions(connection)).toEqual(before);
      expect(await keyIndexes(connection)).toEqual(EVERY_KEY_INDEX);
    });
  });

  it('puts back a dropped table with its index, a dropped index, and a missing version row', async () => {
    await withWarehouse(freshWarehouse(), async (connection) => {
      await ensureWarehouseTables(connection);
      await connection.run('DROP TABLE nba_predictions.prediction_accuracy');
      await connection.run('DROP INDEX nba_raw.nbac_schedule_key');
      await ensureWarehouseTables(connection);
      expect(await keyIndexes(connection)).toEqual(EVERY_KEY_INDEX);

      await connection.run('DELETE FROM nba_orchestration.warehouse_schema');
      await ensureWarehouseTables(connection);
      expect((await versions(connection)).map((row) => row.slice(0, String(WAREHOUSE_SCHEMA_VERSION).length))).toEqual([
        String(WAREHOUSE_SCHEMA_VERSION),
      ]);
    });
  });
});

import { errorMessage } from '@props/contracts';
import { existsSync } from 'node:fs';
import {
  WarehouseBusyError,
  WarehouseDamagedError,
  WarehouseSchemaError,
  requireCurrentSchema,
  withWarehouse,
} from '@props/warehouse';

/** The readiness body's word for why the warehouse cannot serve. */
function warehouseProblem(error: unknown): string {
  if (error instanceof WarehouseDamagedError) return 'damaged';
  if (error instanceof WarehouseSchemaError) return 'schema_outdated';
  return 'unreachable';
}

/** Readiness waits this long for a warehouse another process holds, then reports it busy. */
const READINESS_OPEN_WAIT_MS = 2_000;

/**
 * Readiness of the local warehouse: proves the native DuckDB binding loads and, given a path,
 * opens the warehouse and reads its schema version. Missing (nothing seeded yet) or held by
 * another process is degraded; a file DuckDB cannot open or an older schema fails readiness,
 * since every batch would fail on it. (Shaped as a service-runtime ReadinessCheck.)
 */
export function warehouseReadinessCheck(warehousePath?: string) {
  return {
    name: warehousePath ? 'duckdb warehouse' : '@duckdb/node-api',
    async run(): Promise<{ status: 'ok' | 'degraded' | 'failed'; problem?: string; detail: string }> {
      const version = await withWarehouse(':memory:', async (connection) =>
        String((await connection.runAndReadAll('SELECT version() AS version')).getRowObjects()[0]?.version),
      );
      if (!warehousePath) return { status: 'ok', detail: `duckdb ${version}; native binding loaded, query answered` };
      if (!existsSync(warehousePath))
        return {
          status: 'degraded',
          problem: 'missing',
          detail: `duckdb ${version}; no warehouse at ${warehousePath} yet (nothing seeded)`,
        };
      try {
        await withWarehouse(warehousePath, (connection) => requireCurrentSchema(connection, warehousePath), {
          maxWaitMs: READINESS_OPEN_WAIT_MS,
        });
      } catch (error) {
        if (error instanceof WarehouseBusyError) return { status: 'degraded', problem: 'busy', detail: error.message };
        return { status: 'failed', problem: warehouseProblem(error), detail: errorMessage(error) };
      }
      return { status: 'ok', detail: `duckdb ${version}; warehouse ${warehousePath} opened, schema current` };
    },
  };
}

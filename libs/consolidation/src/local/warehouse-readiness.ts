import { existsSync } from 'node:fs';
import { withWarehouse } from '@props/warehouse';

/**
 * Readiness of the local warehouse: proves the native DuckDB binding loads and, given a path,
 * says whether the warehouse file exists. (Shaped as a service-runtime ReadinessCheck.)
 */
export function warehouseReadinessCheck(warehousePath?: string) {
  return {
    name: warehousePath ? 'duckdb warehouse' : '@duckdb/node-api',
    async run(): Promise<{ status: 'ok' | 'degraded'; detail: string }> {
      const version = await withWarehouse(':memory:', async (connection) => String((await connection.runAndReadAll('SELECT version() AS version')).getRowObjects()[0]?.version));
      if (!warehousePath) return { status: 'ok', detail: `duckdb ${version}; native binding loaded, query answered` };
      if (!existsSync(warehousePath)) return { status: 'degraded', detail: `duckdb ${version}; no warehouse at ${warehousePath} yet (nothing seeded)` };
      return { status: 'ok', detail: `duckdb ${version}; warehouse ${warehousePath}` };
    },
  };
}

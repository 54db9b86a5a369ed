import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ReadinessCheck } from '@props/service-runtime';

/** Proves the native DuckDB binding loads, and says whether the local warehouse is seeded. */
export function duckdbCheck(warehousePath: string): ReadinessCheck {
  return {
    name: 'duckdb warehouse',
    async run() {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll('SELECT version() AS version');
      const version = String(reader.getRowObjects()[0]?.version);
      connection.closeSync();
      instance.closeSync();
      if (!existsSync(warehousePath)) {
        return { status: 'degraded', detail: `duckdb ${version}; no warehouse at ${warehousePath} yet (nothing seeded)` };
      }
      return { status: 'ok', detail: `duckdb ${version}; warehouse ${warehousePath}` };
    },
  };
}

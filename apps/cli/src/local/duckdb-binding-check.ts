import { DuckDBInstance } from '@duckdb/node-api';
import type { ReadinessCheck } from '@props/service-runtime';

export const duckdbBindingCheck: ReadinessCheck = {
  name: '@duckdb/node-api',
  async run() {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT 42 AS answer');
    const answer = Number(reader.getRowObjects()[0]?.answer);
    connection.closeSync();
    instance.closeSync();
    return answer === 42 ? { status: 'ok', detail: 'native binding loaded, query answered' } : { status: 'failed', detail: `query answered ${answer}` };
  },
};

// Child process for the lock test: opens a DuckDB file for writing, says so, and keeps it until killed.
import { DuckDBInstance } from '@duckdb/node-api';

async function hold(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('SELECT 1');
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
}

void hold(process.argv[2]!);

import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { listSupportedBackends } from 'onnxruntime-node';
import { runSelfCheck, type ReadinessCheck } from '@props/service-runtime';
import type { CliCommand } from './cli-command';

const nativeBindingChecks: ReadinessCheck[] = [
  {
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
  },
  {
    name: 'onnxruntime-node',
    run: () =>
      listSupportedBackends().some((backend) => backend.name === 'cpu')
        ? { status: 'ok', detail: 'cpu backend available' }
        : { status: 'failed', detail: 'the cpu execution provider is not available' },
  },
];

export const selfCheckCommand: CliCommand = {
  words: ['--self-check'],
  summary: 'check that this bundle loads everything it needs, one line per check',
  usage: 'props --self-check',
  async run() {
    const bundlesDir = process.env.PROPS_BUNDLES_DIR;
    const checks: ReadinessCheck[] = [...nativeBindingChecks];
    if (bundlesDir) {
      checks.push({
        name: 'service bundles',
        run: () => {
          const missing = ['coordinator', 'worker'].filter((app) => !existsSync(`${bundlesDir}/${app}/main.js`));
          return missing.length === 0
            ? { status: 'ok', detail: `coordinator and worker bundles in ${bundlesDir}` }
            : { status: 'degraded', detail: `missing bundles in ${bundlesDir}: ${missing.join(', ')} (props run needs them)` };
        },
      });
    }
    return runSelfCheck(checks, (line) => process.stdout.write(`${line}\n`));
  },
};

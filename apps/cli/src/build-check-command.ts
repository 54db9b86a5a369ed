import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { warehouseReadinessCheck } from '@props/consolidation';
import { onnxRuntimeCheck, onnxThreadCheck } from '@props/models';
import {
  printCheckReports,
  runBuildTimeChecks,
  writableFolderCheck,
  type ReadinessCheck,
} from '@props/service-runtime';
import type { CliCommand } from './cli-command';
import { gcpModulesCheck } from './gcp/gcp-modules-check';

/** The image build step: what this bundle carries loads, and the data folder is writable. No configuration needed. */
export const buildCheckCommand: CliCommand = {
  words: ['--build-check'],
  summary: 'check that this bundle loads everything it needs, one line per check',
  usage: 'props --build-check',
  async run() {
    const checks: ReadinessCheck[] = [
      { ...warehouseReadinessCheck(), buildTime: true },
      onnxRuntimeCheck,
      onnxThreadCheck,
      gcpModulesCheck,
      writableFolderCheck(resolve(process.env.PROPS_DATA_DIR ?? 'var')),
    ];
    const bundlesDir = process.env.PROPS_BUNDLES_DIR;
    if (bundlesDir) {
      checks.push({
        name: 'service bundles',
        buildTime: true,
        run: () => {
          const missing = ['coordinator', 'worker'].filter((app) => !existsSync(`${bundlesDir}/${app}/main.js`));
          return missing.length === 0
            ? { status: 'ok', detail: `coordinator and worker bundles in ${bundlesDir}` }
            : {
                status: 'degraded',
                detail: `missing bundles in ${bundlesDir}: ${missing.join(', ')} (props run needs them)`,
              };
        },
      });
    }
    return printCheckReports('build-check', await runBuildTimeChecks(checks, ''), (line) =>
      process.stdout.write(`${line}\n`),
    );
  },
};

import { existsSync } from 'node:fs';
import { warehouseReadinessCheck } from '@props/consolidation';
import { onnxRuntimeCheck } from '@props/models';
import { runSelfCheck, type ReadinessCheck } from '@props/service-runtime';
import type { CliCommand } from './cli-command';

const nativeBindingChecks: ReadinessCheck[] = [warehouseReadinessCheck(), onnxRuntimeCheck];

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

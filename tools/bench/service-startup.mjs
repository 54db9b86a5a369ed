import { join } from 'node:path';
import { median, timeToReady } from './process-timing.mjs';

/** The worker bundle's start-to-ready time against the same app run from its TypeScript sources. */
export async function benchServiceStartup(root, { rounds = 7 } = {}) {
  const bundle = [];
  const sources = [];
  for (let round = 0; round < rounds; round += 1) {
    bundle.push(await timeToReady(process.execPath, [join(root, 'dist/apps/worker/main.js')], { cwd: root, env: { PROPS_PUSH_AUTH: 'none' } }));
    sources.push(await timeToReady(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], { cwd: root, env: { PROPS_PUSH_AUTH: 'none' } }));
  }
  const bundled = median(bundle);
  const fromSources = median(sources);
  return [
    `worker start-to-ready, median of ${rounds} alternating runs:`,
    `  bundle (node dist/apps/worker/main.js)            ${bundled.toFixed(0).padStart(6)} ms`,
    `  sources (node --import tsx apps/worker/src/main.ts) ${fromSources.toFixed(0).padStart(6)} ms`,
    `  ratio sources / bundle                             ${(fromSources / bundled).toFixed(2).padStart(6)} x`,
  ];
}

#!/usr/bin/env node
// `npm run bench`: speed and size figures, each measured side by side in one run and printed as
// ratios. Builds the bundles first, so it always measures the current sources. The start-up, the
// local batch and the season backfill are each run interleaved with a floor the bench builds
// itself (docs/performance.md), and their RATIO lines are repeated at the end.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildApp } from '../build/build-app.mjs';
import { deployableApps } from '../gate/workspace.mjs';
import { benchDeployPayload } from './deploy-payload.mjs';
import { benchServiceStartup } from './service-startup.mjs';
import { benchBatch } from './batch-bench.mjs';
import { benchBackfill } from './backfill-bench.mjs';

const root = resolve(import.meta.dirname, '../..');
const apps = deployableApps(root);
for (const app of apps) await buildApp(app, { root, log: () => {} });

/** A benchmark written in TypeScript against the libs, run through tsx; it prints its own lines. */
function typescriptBench(file) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  if (result.status !== 0)
    return [`failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`];
  return result.stdout.trimEnd().split('\n');
}

/** @type {Array<[string, () => Promise<string[]> | string[]]>} */
const sections = [
  ['service startup', () => benchServiceStartup(root)],
  ['deploy payload', () => benchDeployPayload(root, apps)],
  ['distributed lock', () => typescriptBench('tools/bench/lock-bench.ts')],
  ['prediction systems', () => typescriptBench('tools/bench/models-bench.ts')],
  ['warehouse', () => typescriptBench('tools/bench/warehouse-bench.ts')],
  ['local batch', () => benchBatch(root)],
  ['season backfill', () => benchBackfill(root)],
];
const ratios = [];
for (const [name, run] of sections) {
  console.log(`── ${name} ──`);
  for (const line of await run()) {
    console.log(line);
    if (line.includes('RATIO')) ratios.push(`${name}: ${line.trim()}`);
  }
}
console.log('── measured against their floors (min / median of the interleaved rounds) ──');
for (const line of ratios) console.log(`  ${line}`);

#!/usr/bin/env node
// `npm run bench`: speed and size figures, each measured side by side in one run and printed as
// ratios. Builds the bundles first, so it always measures the current sources.
import { resolve } from 'node:path';
import { buildApp } from '../build/build-app.mjs';
import { deployableApps } from '../gate/workspace.mjs';
import { benchDeployPayload } from './deploy-payload.mjs';
import { benchServiceStartup } from './service-startup.mjs';

const root = resolve(import.meta.dirname, '../..');
const apps = deployableApps(root);
for (const app of apps) await buildApp(app, { root, log: () => {} });

const sections = [
  ['service startup', () => benchServiceStartup(root)],
  ['deploy payload', () => benchDeployPayload(root, apps)],
];
for (const [name, run] of sections) {
  console.log(`── ${name} ──`);
  for (const line of await run()) console.log(line);
}

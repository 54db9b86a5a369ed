#!/usr/bin/env node
// `npm run gate`: everything that must hold before an image may be built. Exits 1 naming the
// file, the rule and the fix for every violation. `--only a,b` runs some checks (the gate's own
// tests use it); `--root DIR` gates another checkout; `--summary-file F` writes the counts as JSON.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkBoot } from './boot-check.mjs';
import { checkBundles } from './check-bundles.mjs';
import { checkDependencies } from './check-dependencies.mjs';
import { checkDocs } from './check-docs.mjs';
import { checkDockerfiles } from './check-dockerfiles.mjs';
import { checkFormat } from './check-format.mjs';
import { checkImages } from './check-images.mjs';
import { checkLint } from './check-lint.mjs';
import { checkNodeVersion } from './check-node-version.mjs';
import { checkProjects } from './check-projects.mjs';
import { checkSourceRules } from './check-source-rules.mjs';
import { checkTypes } from './check-types.mjs';
import { checkWorkflows } from './check-workflows.mjs';
import { formatViolation } from './violation.mjs';
import { defaultRoot, deployableApps } from './workspace.mjs';

const CHECKS = {
  'node-version': (root) => checkNodeVersion(root),
  projects: (root) => checkProjects(root),
  types: (root) => checkTypes(root),
  lint: (root) => checkLint(root),
  format: (root) => checkFormat(root),
  dependencies: (root) => checkDependencies(root),
  'source-rules': (root) => checkSourceRules(root),
  bundles: (root, apps) => checkBundles(root, apps),
  dockerfiles: (root, apps) => checkDockerfiles(root, apps),
  workflows: (root) => checkWorkflows(root),
  docs: (root) => checkDocs(root),
  boot: (root, apps) => checkBoot(root, apps),
  images: (root, apps) => checkImages(root, apps),
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    root: { type: 'string' },
    'summary-file': { type: 'string' },
  },
});
const root = resolve(values.root ?? defaultRoot);
const selected = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(CHECKS);
const unknown = selected.filter((name) => !CHECKS[name]);
if (unknown.length > 0) {
  console.error(`gate: unknown check(s) ${unknown.join(', ')}; known: ${Object.keys(CHECKS).join(', ')}`);
  process.exit(2);
}

const apps = deployableApps(root);
let failed = 0;
let violationCount = 0;
let bundlesFailed = false;
for (const name of selected) {
  if ((name === 'boot' || name === 'images') && bundlesFailed) {
    console.log(`✖ ${name}: not run because the bundles check failed`);
    failed += 1;
    continue;
  }
  const started = Date.now();
  const result = await CHECKS[name](root, apps);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.violations.length === 0) {
    console.log(`✔ ${result.name} (${result.detail}) ${seconds}s`);
    continue;
  }
  failed += 1;
  violationCount += result.violations.length;
  if (name === 'bundles') bundlesFailed = true;
  console.log(`✖ ${result.name}: ${result.violations.length} violation(s) ${seconds}s`);
  for (const found of result.violations) console.log(formatViolation(found));
}
if (values['summary-file']) {
  writeFileSync(
    values['summary-file'],
    JSON.stringify({ passed: selected.length - failed, failed, violations: violationCount }),
  );
}
if (failed > 0) {
  console.log(`gate FAILED: ${violationCount} violation(s) in ${failed} of ${selected.length} checks`);
  process.exit(1);
}
console.log(`gate passed: ${selected.length} checks`);
process.exit(0);

#!/usr/bin/env node
// `npm test`: the gate, then every vitest suite; ends with one line `N passed, N failed, N skipped`
// summed over both (each gate check counts as one test).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'props-tests-'));
const env = {
  ...process.env,
  METADATA_SERVER_DETECTION: 'none',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  ONNXRUNTIME_NODE_INSTALL: 'skip',
};
const totals = { passed: 0, failed: 0, skipped: 0 };

/** Passed and failed tests per tier, the tier read from the file name as vitest.config.mts's projects read it. */
function tierCounts(testResults) {
  const tiers = {
    unit: { passed: 0, failed: 0 },
    integration: { passed: 0, failed: 0 },
    contract: { passed: 0, failed: 0 },
  };
  for (const file of testResults) {
    const tier = file.name.endsWith('.contract.test.ts')
      ? tiers.contract
      : file.name.endsWith('.integration.test.ts')
        ? tiers.integration
        : tiers.unit;
    for (const test of file.assertionResults) {
      if (test.status === 'passed') tier.passed += 1;
      if (test.status === 'failed') tier.failed += 1;
    }
  }
  return Object.entries(tiers)
    .map(([name, { passed, failed }]) => `${name} ${passed} passed, ${failed} failed`)
    .join('; ');
}

/** Line coverage of the sources measured in the vitest processes (child processes are not instrumented). */
function coverageLine() {
  const summaryFile = join(root, 'coverage', 'coverage-summary.json');
  if (!existsSync(summaryFile)) return 'coverage: no summary was written';
  const { total } = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const part = (name) => `${name} ${total[name].pct}% (${total[name].covered}/${total[name].total})`;
  return `coverage: ${['lines', 'statements', 'functions', 'branches'].map(part).join(', ')}`;
}

console.log('── gate ──');
const gateSummary = join(scratch, 'gate.json');
const gate = spawnSync(process.execPath, ['tools/gate/main.mjs', '--summary-file', gateSummary], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (existsSync(gateSummary)) {
  const { passed, failed } = JSON.parse(readFileSync(gateSummary, 'utf8'));
  totals.passed += passed;
  totals.failed += failed;
} else {
  totals.failed += 1;
  console.log(`gate did not finish (exit ${gate.status})`);
}

console.log('── vitest ──');
const vitestReport = join(scratch, 'vitest.json');
const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestReport}`,
    '--coverage.enabled',
    ...process.argv.slice(2),
  ],
  { cwd: root, env, stdio: 'inherit' },
);
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  console.log(`by tier: ${tierCounts(report.testResults)}`);
  console.log(coverageLine());
  if (report.numTotalTests === 0) {
    totals.failed += 1;
    console.log('vitest ran no test');
  } else if (vitest.status !== 0 && report.numFailedTests === 0) {
    totals.failed += 1;
    console.log(`vitest exited ${vitest.status} with no failed test (a suite failed to load?)`);
  }
} else {
  totals.failed += 1;
  console.log(`vitest did not write its report (exit ${vitest.status})`);
}
rmSync(scratch, { recursive: true, force: true });
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);

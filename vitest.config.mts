import { defineConfig } from 'vitest/config';

/** Where test files live; a file's tier is its name (CONTRIBUTING.md, "Test tiers"). */
const roots = ['apps/*/src/**/', 'libs/*/src/**/', 'infra/src/**/', 'tools/**/'];
const named = (suffix: string) => roots.map((root) => `${root}*${suffix}`);
const integration = named('.integration.test.ts');
const contract = named('.contract.test.ts');

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { METADATA_SERVER_DETECTION: 'none', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    globalSetup: ['tools/test-support/test-run-tmpdir.ts'],
    // `npm test` turns coverage on (tools/run-tests.mjs); the summary is printed and kept in coverage/.
    coverage: {
      provider: 'v8',
      include: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'infra/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/test-support/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
    },
    // `vitest run --project contract` runs one tier (npm run test:contracts); no --project runs all three.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: named('.test.ts'),
          exclude: ['**/node_modules/**', ...integration, ...contract],
        },
      },
      { extends: true, test: { name: 'integration', include: integration } },
      { extends: true, test: { name: 'contract', include: contract } },
    ],
  },
});

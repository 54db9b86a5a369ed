import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { violation } from './violation.mjs';

/** `tsc --noEmit` over every project and tool (one program, so a renamed export breaks its users). */
export function checkTypes(root) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  const violations = [];
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line.trim());
    if (match) {
      violations.push(violation('type-check', `${match[1]}:${match[2]}`, `${match[3]} ${match[4]}`, 'fix the type error; a renamed or removed export must be renamed at every use'));
    }
  }
  if (result.status !== 0 && violations.length === 0) {
    violations.push(violation('type-check', 'tsconfig.json', `tsc exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(0, 400)}`, 'run npx tsc --noEmit -p tsconfig.json'));
  }
  return { name: 'type check', detail: 'tsc --noEmit -p tsconfig.json', violations };
}

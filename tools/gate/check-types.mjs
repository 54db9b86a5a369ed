import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { violation } from './violation.mjs';

/** The TypeScript of every project and the tools, then the tools' JavaScript, checked with JSDoc types. */
const PROGRAMS = ['tsconfig.json', 'tsconfig.tools.json'];

/** `tsc --noEmit` over every project and tool (one program, so a renamed export breaks its users). */
export function checkTypes(root) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const violations = [];
  for (const program of PROGRAMS) {
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', program], {
      cwd: root,
      encoding: 'utf8',
    });
    const before = violations.length;
    for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
      const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line.trim());
      if (match) {
        violations.push(
          violation(
            'type-check',
            `${match[1]}:${match[2]}`,
            `${match[3]} ${match[4]}`,
            'fix the type error; a renamed or removed export must be renamed at every use',
          ),
        );
      }
    }
    if (result.status !== 0 && violations.length === before) {
      violations.push(
        violation(
          'type-check',
          program,
          `tsc exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(0, 400)}`,
          `run npx tsc --noEmit -p ${program}`,
        ),
      );
    }
  }
  return { name: 'type check', detail: PROGRAMS.map((program) => `tsc --noEmit -p ${program}`).join(', '), violations };
}

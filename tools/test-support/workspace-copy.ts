import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '../..');

export interface WorkspaceCopy {
  root: string;
  read(file: string): string;
  write(file: string, text: string): void;
  edit(file: string, change: (text: string) => string): void;
  /** Puts every file back as committed and removes new ones. */
  reset(): void;
  git(...args: string[]): string;
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): { status: number | null; output: string };
  remove(): void;
}

/**
 * A temporary git repository holding the workspace's files (tracked and not ignored) as they are
 * now, committed once, with its own node_modules installed from the lockfile (from the npm
 * cache): packages resolve to paths inside the copy exactly as in a fresh clone, never into this tree.
 */
export function copyWorkspace(prefix = 'props-workspace-'): WorkspaceCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    try {
      cpSync(join(workspaceRoot, file), join(root, file));
    } catch {
      /* listed by git but deleted in the working tree */
    }
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=gate-test', '-c', 'user.email=gate-test@localhost', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'workspace copy');
  const install = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
  });
  if (install.status !== 0)
    throw new Error(`npm ci in the workspace copy failed: ${`${install.stdout}${install.stderr}`.trim().slice(-600)}`);
  return {
    root,
    read: (file) => readFileSync(join(root, file), 'utf8'),
    write: (file, text) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    },
    edit(file, change) {
      const before = this.read(file);
      const after = change(before);
      if (after === before) throw new Error(`edit of ${file} changed nothing`);
      this.write(file, after);
    },
    reset: () => {
      git('checkout', '-q', '--', '.');
      git('clean', '-q', '-fd', '-e', 'node_modules', '-e', 'dist', '-e', '.nx');
    },
    git,
    run: (command, args, env = {}) => {
      const result = spawnSync(command, args, {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

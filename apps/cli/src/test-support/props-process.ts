import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '../../../..');

/**
 * `props` as a user runs it (tools/bin/props.cjs: the bundle, rebuilt when stale) in a child
 * process, without blocking this one, which may be serving the endpoint the child calls.
 */
export function propsAsync(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['tools/bin/props.cjs', ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

import { spawn } from 'node:child_process';
import { freePort } from '../gate/boot-check.mjs';

/**
 * Milliseconds from spawning `command args` to its first 200 on /health/ready. `onReady` gets the
 * child's pid then, before the child is killed (to read what else it spent, such as its CPU time).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: Record<string, string>, onReady?: (pid: number) => void }} options
 */
export async function timeToReady(command, args, { cwd, env = {}, onReady }) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${args.join(' ')} exited with ${child.exitCode} before it was ready`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (response.status === 200) {
          const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
          if (child.pid !== undefined) onReady?.(child.pid);
          return elapsed;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 5));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

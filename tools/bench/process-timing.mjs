import { spawn } from 'node:child_process';
import { freePort } from '../gate/boot-check.mjs';

/** Milliseconds from spawning `command args` to its first 200 on /health/ready. */
export async function timeToReady(command, args, { cwd, env = {} }) {
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
        if (response.status === 200) return Number(process.hrtime.bigint() - started) / 1e6;
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

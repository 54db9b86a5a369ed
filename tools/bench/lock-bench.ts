// Run by tools/bench/main.mjs through tsx: distributed-lock latency and contention figures for the
// local backend and, where the emulator is installed, Firestore.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DistributedLock } from '@props/distributed-lock';
import { emulatorUnavailable, startEmulator } from '@props/emulators';
import { lockBackendFor } from '../../libs/distributed-lock/src/test-support/lock-backends';

const root = resolve(import.meta.dirname, '../..');
const contender = join(root, 'libs/distributed-lock/src/test-support/contender.ts');

async function uncontended(kind: string, setting: string, rounds: number): Promise<number> {
  const lock = new DistributedLock(lockBackendFor(kind, setting), 'bench');
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    const lease = await lock.acquire('bench-uncontended', { leaseMs: 5_000, maxWaitMs: 0, retryIntervalMs: 10 });
    await lock.release(lease);
  }
  return (performance.now() - started) / rounds;
}

async function handoffsPerSecond(kind: string, setting: string, processes: number, rounds: number): Promise<number> {
  const log = join(mkdtempSync(join(tmpdir(), 'props-lock-bench-')), 'log');
  writeFileSync(log, '');
  await Promise.all(
    Array.from(
      { length: processes },
      (_, index) =>
        new Promise<void>((resolveRun, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', contender], {
            cwd: root,
            env: {
              ...process.env,
              LOCK_BACKEND: kind,
              LOCK_SETTING: setting,
              HOLDER: `b${index}`,
              LOCK_KEY: 'bench-contended',
              LEASE_MS: '3000',
              MODE: 'contend',
              ROUNDS: String(rounds),
              LOG_FILE: log,
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let errors = '';
          child.stderr.on('data', (chunk: Buffer) => (errors += chunk));
          child.on('close', (code) =>
            code === 0 ? resolveRun() : reject(new Error(`contender exited ${code}: ${errors}`)),
          );
        }),
    ),
  );
  // From the first entry to the last exit, so process start-up is not counted.
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const times = lines.map((line) => Number(line.split(' ')[3]));
  const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
  return lines.length / 2 / seconds;
}

async function main(): Promise<void> {
  const lines: string[] = ['distributed lock (handoffs: 8 processes x 10 rounds, first entry to last exit):'];
  const folder = mkdtempSync(join(tmpdir(), 'props-lock-bench-root-'));
  const local = {
    latency: await uncontended('local', folder, 200),
    handoffs: await handoffsPerSecond('local', folder, 8, 10),
  };
  lines.push(
    `  local files      acquire+release ${local.latency.toFixed(2).padStart(7)} ms   handoffs ${local.handoffs.toFixed(1).padStart(7)}/s`,
  );
  rmSync(folder, { recursive: true, force: true });
  const unavailable = emulatorUnavailable('firestore');
  if (unavailable) {
    lines.push(`  firestore        skipped: ${unavailable}`);
  } else {
    const emulator = await startEmulator('firestore');
    try {
      const latency = await uncontended('firestore', emulator.host, 50);
      const handoffs = await handoffsPerSecond('firestore', emulator.host, 8, 10);
      lines.push(
        `  firestore emul.  acquire+release ${latency.toFixed(2).padStart(7)} ms   handoffs ${handoffs.toFixed(1).padStart(7)}/s`,
      );
      lines.push(`  ratio firestore/local acquire+release latency: ${(latency / local.latency).toFixed(1)} x`);
    } finally {
      await emulator.stop();
    }
  }
  console.log(lines.join('\n'));
  process.exit(0);
}

void main();

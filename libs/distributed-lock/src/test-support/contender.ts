// A separate process contending for one lock: `contend` takes it ROUNDS times and appends
// enter/leave lines to a shared log; `hold` takes it once, prints the lease and never lets go.
import { appendFileSync } from 'node:fs';
import { DistributedLock } from '../index';
import { lockBackendFor } from './lock-backends';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`contender: ${name} is required`);
  return value;
};

const lock = new DistributedLock(lockBackendFor(env('LOCK_BACKEND'), env('LOCK_SETTING')), env('HOLDER'));
const key = env('LOCK_KEY');
const leaseMs = Number(env('LEASE_MS'));

async function main(): Promise<void> {
  if (env('MODE') === 'hold') {
    const lease = await lock.acquire(key, { leaseMs, maxWaitMs: 30_000, retryIntervalMs: 20 });
    process.stdout.write(`${JSON.stringify(lease)}\n`);
    setInterval(() => {}, 1_000);
    return;
  }
  const log = env('LOG_FILE');
  for (let round = 0; round < Number(env('ROUNDS')); round += 1) {
    await lock.withLock(key, { leaseMs, maxWaitMs: 120_000, retryIntervalMs: 15 }, async ({ lease }) => {
      appendFileSync(log, `enter ${lease.token} ${lease.holderId} ${Date.now()}\n`);
      await new Promise((resolveWork) => setTimeout(resolveWork, 2 + Math.random() * 8));
      appendFileSync(log, `leave ${lease.token} ${lease.holderId} ${Date.now()}\n`);
    });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`contender: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

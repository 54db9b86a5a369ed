// A separate coordinator process consolidating one batch (for the concurrency test).
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { NdjsonStagingStore } from '@props/prediction-store';
import { DuckdbMerger, consolidateBatch } from '../index';

const env = (name: string) => process.env[name] ?? '';

consolidateBatch({
  batchId: env('BATCH_ID'),
  gameDate: env('GAME_DATE'),
  staging: new NdjsonStagingStore(env('STAGING_DIR')),
  lock: new DistributedLock(new LocalLockBackend(env('LOCK_DIR')), `consolidator-${process.pid}`),
  lockOptions: { leaseMs: 30_000, maxWaitMs: 60_000, retryIntervalMs: 20 },
  merger: new DuckdbMerger(env('WAREHOUSE')),
}).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

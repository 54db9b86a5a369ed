// A separate coordinator process consolidating one batch (for the concurrency test).
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { NdjsonStagingStore } from '@props/prediction-store';
import { DuckdbMerger, consolidateBatch } from '../index';

const env = (name: string) => process.env[name] ?? '';
const staging = new NdjsonStagingStore(env('STAGING_DIR'));

consolidateBatch({
  batchId: env('BATCH_ID'),
  gameDate: env('GAME_DATE'),
  datasetPrefix: '',
  expectedMessageIds: env('EXPECTED').split(','),
  staging,
  lock: new DistributedLock(new LocalLockBackend(env('LOCK_DIR')), `consolidator-${process.pid}`),
  lockOptions: { leaseMs: 30_000, maxWaitMs: 60_000, retryIntervalMs: 20 },
  merger: new DuckdbMerger(env('WAREHOUSE'), () => staging),
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

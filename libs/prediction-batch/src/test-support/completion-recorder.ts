// A coordinator stand-in for the durability test: records completions into a local batch, many at
// once as a busy coordinator does, and prints each player's lookup once recordCompletion resolved
// (the moment the coordinator acknowledges it to the worker). The test SIGKILLs it mid-stream.
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { join } from 'node:path';
import { FileBatchState } from '../local/file-batch-state';

const folder = process.env.STATE_DIR;
const batchId = process.env.BATCH_ID;
if (!folder || !batchId) throw new Error('completion-recorder: STATE_DIR and BATCH_ID are required');
const state = new FileBatchState(
  join(folder, 'batches'),
  new DistributedLock(new LocalLockBackend(join(folder, 'locks'))),
);

async function main(): Promise<void> {
  for (let round = 0; ; round += 1) {
    await Promise.all(
      Array.from({ length: 16 }, async (_, index) => {
        const player = `p${round}x${index}`;
        await state.recordCompletion(batchId!, {
          player_lookup: player,
          message_id: `${batchId}.${player}`,
          outcome: 'staged',
          rows_staged: 5,
          skip_reason: null,
          recorded_at: new Date().toISOString(),
        });
        process.stdout.write(`${player}\n`);
      }),
    );
  }
}
void main();

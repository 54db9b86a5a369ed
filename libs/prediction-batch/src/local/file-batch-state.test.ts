import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import type { UnreadableFileError } from '@props/durable-files';
import type { BatchRecord } from '../batch-record';
import { FileBatchState } from './file-batch-state';

const record = (batchId: string): BatchRecord => ({
  batch_id: batchId,
  dataset_prefix: '',
  game_date: '2025-03-15',
  status: 'running',
  created_at: new Date().toISOString(),
  stall_deadline: new Date().toISOString(),
  players: ['alpha'],
  message_ids: { alpha: `${batchId}.alpha` },
  selection_dropped: {},
  load: { path: 'one_query', fallback_reason: null, duration_ms: 1, missing: [] },
  republished_at: null,
  consolidating_since: null,
  consolidation: null,
  last_error: null,
});

describe('local batch state with a torn file', () => {
  it('reports a zero-length batch.json with its path and skips it; the other batches go on', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-state-'));
    const reported: UnreadableFileError[] = [];
    const state = new FileBatchState(
      join(folder, 'batches'),
      new DistributedLock(new LocalLockBackend(join(folder, 'locks'))),
      (error) => reported.push(error),
    );
    await state.create(record('batch_good'), { alpha: {} });
    await state.create(record('batch_torn'), { alpha: {} });
    writeFileSync(join(folder, 'batches', 'batch_torn', 'batch.json'), '');
    expect((await state.list()).map((batch) => batch.batch_id)).toEqual(['batch_good']);
    expect(reported.map((error) => [error.path, error.reason])).toEqual([
      [join(folder, 'batches', 'batch_torn', 'batch.json'), 'empty'],
    ]);
    // Asked for by id (a completion, /status/:id), it is no batch, and reported again.
    expect(await state.get('batch_torn')).toBeNull();
    expect(reported.at(-1)!.message).toBe(
      `${join(folder, 'batches', 'batch_torn', 'batch.json')} is unreadable (empty); move it aside or delete it`,
    );
    expect(await state.get('../..')).toBeNull();
  });

  it('counts a torn completion as not in, so the stall check re-publishes that player', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-state-'));
    const reported: UnreadableFileError[] = [];
    const state = new FileBatchState(
      join(folder, 'batches'),
      new DistributedLock(new LocalLockBackend(join(folder, 'locks'))),
      (error) => reported.push(error),
    );
    await state.create(record('batch_x'), { alpha: {} });
    writeFileSync(join(folder, 'batches', 'batch_x', 'completions', 'alpha.json'), '{"player_lookup": "al');
    expect(await state.completions('batch_x')).toEqual([]);
    expect(reported).toHaveLength(1);
  });
});

describe('local batch state shared by coordinator processes', () => {
  it("sees another process's header update and its replacement of a completion of the same size at once", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-state-'));
    // Two stores on one folder hold two caches, as two coordinator processes do.
    const open = () =>
      new FileBatchState(join(folder, 'batches'), new DistributedLock(new LocalLockBackend(join(folder, 'locks'))));
    const [reader, writer] = [open(), open()];
    await writer.create(record('batch_shared'), { alpha: {} });
    const completion = {
      player_lookup: 'alpha',
      message_id: 'batch_shared.alpha',
      outcome: 'staged' as const,
      rows_staged: 5,
      skip_reason: null,
      recorded_at: '2025-03-15T12:00:00.000Z',
    };
    await writer.recordCompletion('batch_shared', completion);
    expect((await reader.get('batch_shared'))!.status).toBe('running');
    expect((await reader.completions('batch_shared')).map((found) => found.rows_staged)).toEqual([5]);

    await writer.update('batch_shared', (current) => ({ ...current, status: 'consolidating' }));
    // A redelivery with other content of the very same length replaces the file by rename.
    await writer.recordCompletion('batch_shared', { ...completion, rows_staged: 6 });
    expect((await reader.get('batch_shared'))!.status).toBe('consolidating');
    expect((await reader.completions('batch_shared')).map((found) => found.rows_staged)).toEqual([6]);
    expect((await reader.list()).map((batch) => batch.status)).toEqual(['consolidating']);
  });
});

// A completion the coordinator acknowledged is never lost when its process is SIGKILLed: recorded
// through a real process writing many completions at once, killed mid-stream, then read back.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import type { BatchRecord } from '../batch-record';
import { FileBatchState } from './file-batch-state';

const folder = mkdtempSync(join(tmpdir(), 'props-completions-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const recorder = resolve(import.meta.dirname, '../test-support/completion-recorder.ts');

const record = (batchId: string): BatchRecord => ({
  batch_id: batchId,
  dataset_prefix: '',
  game_date: '2025-03-15',
  status: 'running',
  created_at: new Date().toISOString(),
  stall_deadline: new Date().toISOString(),
  players: [],
  message_ids: {},
  selection_dropped: {},
  load: { path: 'one_query', fallback_reason: null, duration_ms: 1, missing: [] },
  republished_at: null,
  consolidating_since: null,
  consolidation: null,
  last_error: null,
});

describe('local completion recording under SIGKILL', () => {
  it('keeps every completion acknowledged before the kill, each readable', async () => {
    const state = new FileBatchState(
      join(folder, 'batches'),
      new DistributedLock(new LocalLockBackend(join(folder, 'locks'))),
      (error) => {
        throw error;
      },
    );
    await state.create(record('batch_killed'), { alpha: { player: 'alpha' } });
    const child = spawn(process.execPath, ['--import', 'tsx', recorder], {
      env: { ...process.env, STATE_DIR: folder, BATCH_ID: 'batch_killed' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    let buffered = '';
    const killed = new Promise<void>((resolveKilled) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        acknowledged.push(...lines);
        // Killed while many writes are in flight, past the first few group commits.
        if (acknowledged.length >= 200 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolveKilled());
    });
    await killed;
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);
    const recorded = new Set((await state.completions('batch_killed')).map((completion) => completion.player_lookup));
    const lost = acknowledged.filter((player) => !recorded.has(player));
    expect(lost, `acknowledged but not recorded: ${lost.slice(0, 5).join(', ')}`).toEqual([]);
    // Interrupted writes leave temporaries (never read as completions), not torn completions.
    const files = readdirSync(join(folder, 'batches', 'batch_killed', 'completions'));
    expect(files.filter((name) => name.endsWith('.json')).length).toBe(recorded.size);
    expect(await state.message('batch_killed', 'alpha')).toEqual({ player: 'alpha' });
  }, 120_000);
});

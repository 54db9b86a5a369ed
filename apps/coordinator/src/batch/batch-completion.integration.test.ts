import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CompletionEvent } from '@props/contracts';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { FileOutboxPublisher } from '@props/messaging';
import { createLogger } from '@props/observability';
import { DuckdbBatchWarehouse, FileBatchState, type BatchRecord } from '@props/prediction-batch';
import { ndjsonStagingFor, type NdjsonStagingStore, type StagingFor } from '@props/prediction-store';
import { BatchOrchestrator } from './batch-orchestrator';
import { BatchChanges } from './batch-changes';

const BATCH = 'batch_2025-03-15_claim_once';
const PLAYERS = Array.from({ length: 48 }, (_, index) => `player${index}`);
const GROUP = 4;

/** Real batch state that counts the header changes made through it. */
class CountingState extends FileBatchState {
  updates = 0;
  override update(batchId: string, change: (record: BatchRecord) => BatchRecord | null) {
    this.updates += 1;
    return super.update(batchId, change);
  }
}

function header(): BatchRecord {
  return {
    batch_id: BATCH,
    dataset_prefix: '',
    game_date: '2025-03-15',
    status: 'running',
    created_at: new Date().toISOString(),
    stall_deadline: new Date(Date.now() + 600_000).toISOString(),
    players: PLAYERS,
    message_ids: Object.fromEntries(PLAYERS.map((player) => [player, `${BATCH}.${player}`])),
    selection_dropped: {},
    load: { path: 'one_query', fallback_reason: null, duration_ms: 1, missing: [] },
    republished_at: null,
    consolidating_since: null,
    consolidation: null,
    last_error: null,
  };
}

const skipped = (player: string): CompletionEvent => ({
  batch_id: BATCH,
  player_lookup: player,
  game_date: '2025-03-15',
  message_id: `${BATCH}.${player}`,
  outcome: 'skipped',
  rows_staged: 0,
  skip_reason: 'no_features',
  worker_instance: 'test',
  timestamp: new Date().toISOString(),
});

/** A real orchestrator on local files and DuckDB in a fresh folder; `warehouse` may wrap the real one. */
function orchestratorIn(
  folder: string,
  warehouse: (path: string, staging: StagingFor<NdjsonStagingStore>) => DuckdbBatchWarehouse = (path, staging) =>
    new DuckdbBatchWarehouse(path, staging),
) {
  const lock = new DistributedLock(new LocalLockBackend(join(folder, 'locks')));
  const state = new CountingState(join(folder, 'batches'), lock);
  const staging = ndjsonStagingFor(join(folder, 'staging'));
  const orchestrator = new BatchOrchestrator({
    state,
    lock,
    staging,
    delivery: null,
    notices: { publisher: new FileOutboxPublisher(join(folder, 'outbox')), topic: 'phase5' },
    warehouse: warehouse(join(folder, 'warehouse.duckdb'), staging),
    logger: createLogger({
      service: 'test',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    }),
    stallSeconds: 600,
    minCoverage: 0.9,
    slateTimeoutMs: 10_000,
    slateLoad: 'one_query',
    playersPerMessage: GROUP,
    changes: new BatchChanges(),
  });
  return { state, orchestrator };
}

/** The real warehouse, whose sessions end only once the test releases them (after their work, before the close). */
class HeldWarehouse extends DuckdbBatchWarehouse {
  release!: () => void;
  private readonly released = new Promise<void>((resolveRelease) => (this.release = resolveRelease));
  override session<T>(work: () => Promise<T>): Promise<T> {
    return super.session(async () => {
      const result = await work();
      await this.released;
      return result;
    });
  }
}

describe('completions that make a batch whole together', () => {
  it('claim and merge it once: the other completions of the moment do not queue on its header', async () => {
    const { state, orchestrator } = orchestratorIn(mkdtempSync(join(tmpdir(), 'props-claim-once-')));
    await state.create(header(), {});
    const groups = Array.from({ length: PLAYERS.length / GROUP }, (_, index) =>
      PLAYERS.slice(index * GROUP, (index + 1) * GROUP).map(skipped),
    );
    // Every group's records land before any of them counts the batch: each finds it whole.
    const outcomes = await Promise.all(groups.map((group) => orchestrator.complete(group)));

    expect(outcomes.flat()).toEqual(PLAYERS.map(() => 'recorded'));
    const status = await orchestrator.status(BATCH);
    expect(status).toMatchObject({ status: 'consolidated', players_pending: 0, last_error: null });
    // One claim and one mark; each extra update is a completion that queued on the batch's lock.
    expect(state.updates).toBe(2);
  });

  it('a status wait answers once the batch is marked consolidated, before the session that merged it ends', async () => {
    let held!: HeldWarehouse;
    const { state, orchestrator } = orchestratorIn(
      mkdtempSync(join(tmpdir(), 'props-wait-mark-')),
      (path, staging) => (held = new HeldWarehouse(path, staging)),
    );
    await state.create(header(), {});
    // Waits far beyond the test's timeout: only a wake at the mark can answer it in time.
    const waiting = orchestrator.status(BATCH, 600_000);
    const completing = orchestrator.complete(PLAYERS.map(skipped));
    expect(await waiting).toMatchObject({ status: 'consolidated', players_pending: 0 });
    held.release();
    expect(new Set(await completing)).toEqual(new Set(['recorded']));
  }, 60_000);
});

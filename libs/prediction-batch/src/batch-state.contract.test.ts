import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedLock, LocalLockBackend } from '@props/distributed-lock';
import { emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { BATCH_RECORD_TTL_DAYS, FirestoreBatchState } from './gcp/firestore-batch-state';
import type { BatchRecord } from './batch-record';
import type { BatchStateStore } from './batch-state-store';
import { FileBatchState } from './local/file-batch-state';

const required = process.env.PROPS_REQUIRE_EMULATORS === 'true';
const firestoreMissing = emulatorUnavailable('firestore');
if (firestoreMissing && !required) console.log(`batch state contract on Firestore skipped: ${firestoreMissing}`);

function record(batchId: string, createdAt: string): BatchRecord {
  return {
    batch_id: batchId,
    dataset_prefix: '',
    game_date: '2025-03-15',
    status: 'running',
    created_at: createdAt,
    stall_deadline: '2025-03-15T19:00:00.000Z',
    players: ['alpha', 'beta', 'gamma'],
    message_ids: { alpha: `${batchId}.alpha`, beta: `${batchId}.beta`, gamma: `${batchId}.gamma` },
    selection_dropped: { 'injury status out': 2 },
    load: { path: 'one_query', fallback_reason: null, duration_ms: 12, missing: [] },
    republished_at: null,
    consolidating_since: null,
    consolidation: null,
    last_error: null,
  };
}

const completion = (player: string, rows: number) => ({
  player_lookup: player,
  message_id: `m.${player}`,
  outcome: 'staged' as const,
  rows_staged: rows,
  skip_reason: null,
  recorded_at: new Date().toISOString(),
});

function contract(name: string, open: () => Promise<BatchStateStore>, skip: string | undefined) {
  describe.skipIf(skip !== undefined && !required)(`batch state on ${name} (contract)`, () => {
    it('stores a batch with its messages and lists batches oldest first', async () => {
      const state = await open();
      await state.create(record('batch_b', '2025-03-15T12:00:01.000Z'), { alpha: { n: 1 } });
      await state.create(record('batch_a', '2025-03-15T12:00:00.000Z'), { alpha: { n: 2 }, beta: { n: 3 } });
      expect(await state.get('batch_a')).toEqual(record('batch_a', '2025-03-15T12:00:00.000Z'));
      expect(await state.get('batch_missing')).toBeNull();
      expect((await state.list()).map((batch) => batch.batch_id)).toEqual(['batch_a', 'batch_b']);
      expect(await state.message('batch_a', 'beta')).toEqual({ n: 3 });
    });

    it('keeps one completion per player however often it is delivered', async () => {
      const state = await open();
      await state.create(record('batch_c', '2025-03-15T12:00:00.000Z'), {});
      await Promise.all(
        [completion('alpha', 6), completion('alpha', 6), completion('beta', 5), completion('alpha', 6)].map((entry) =>
          state.recordCompletion('batch_c', entry),
        ),
      );
      const stored = await state.completions('batch_c');
      expect(stored.map((entry) => entry.player_lookup).sort()).toEqual(['alpha', 'beta']);
      expect(await state.completionCount('batch_c')).toBe(2);
    });

    it('lets exactly one of many concurrent callers move a batch from running to consolidating', async () => {
      const state = await open();
      await state.create(record('batch_d', '2025-03-15T12:00:00.000Z'), {});
      const claims = await Promise.all(
        Array.from({ length: 8 }, () =>
          state.update('batch_d', (current) =>
            current.status === 'running' ? { ...current, status: 'consolidating' } : null,
          ),
        ),
      );
      expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
      expect((await state.get('batch_d'))!.status).toBe('consolidating');
      expect(await state.update('batch_missing', (current) => current)).toBeNull();
    });
  });
}

let emulator: RunningEmulator | undefined;
let firestore: Firestore | undefined;
beforeAll(async () => {
  if (firestoreMissing) return;
  emulator = await startEmulator('firestore');
}, 90_000);
afterAll(async () => {
  await firestore?.terminate();
  await emulator?.stop();
});

contract(
  'local files',
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-batch-state-'));
    return new FileBatchState(
      join(folder, 'batches'),
      new DistributedLock(new LocalLockBackend(join(folder, 'locks'))),
    );
  },
  undefined,
);
contract(
  'the Firestore emulator',
  async () => {
    firestore ??= new Firestore({
      projectId: 'props-test',
      host: emulator!.host,
      ssl: false,
      customHeaders: { Authorization: 'Bearer owner' },
    });
    return new FirestoreBatchState(firestore, `batches_${Math.random().toString(36).slice(2)}`);
  },
  firestoreMissing,
);

describe.skipIf(firestoreMissing !== undefined && !required)('batch state on Firestore: the TTL field', () => {
  it(`gives the header, its messages and its completions expire_at, ${BATCH_RECORD_TTL_DAYS} days after the batch started, and keeps it out of what it returns`, async () => {
    firestore ??= new Firestore({
      projectId: 'props-test',
      host: emulator!.host,
      ssl: false,
      customHeaders: { Authorization: 'Bearer owner' },
    });
    const collection = `batches_${Math.random().toString(36).slice(2)}`;
    const state = new FirestoreBatchState(firestore, collection);
    await state.create(record('batch_t', '2025-03-15T12:00:00.000Z'), { alpha: { n: 1 } });
    await state.recordCompletion('batch_t', { ...completion('alpha', 6), recorded_at: '2025-03-15T12:05:00.000Z' });
    await state.update('batch_t', (current) => ({ ...current, status: 'consolidating' }));
    const expected = Date.parse('2025-03-15T12:00:00.000Z') + BATCH_RECORD_TTL_DAYS * 86_400_000;
    const document = firestore.collection(collection).doc('batch_t');
    expect((await document.get()).get('expire_at').toMillis()).toBe(expected);
    expect((await document.collection('messages').doc('alpha').get()).get('expire_at').toMillis()).toBe(expected);
    expect((await document.collection('completions').doc('alpha').get()).get('expire_at').toMillis()).toBe(
      Date.parse('2025-03-15T12:05:00.000Z') + BATCH_RECORD_TTL_DAYS * 86_400_000,
    );
    expect(await state.get('batch_t')).toEqual({
      ...record('batch_t', '2025-03-15T12:00:00.000Z'),
      status: 'consolidating',
    });
    expect((await state.completions('batch_t'))[0]).not.toHaveProperty('expire_at');
  });
});

describe.skipIf(firestoreMissing !== undefined && !required)(
  'batch state on Firestore: documents of the wrong shape (contract)',
  () => {
    it('a wrong-shaped header or completion is reported with its path and skipped; the other batches are listed, got and updated', async () => {
      firestore ??= new Firestore({
        projectId: 'props-test',
        host: emulator!.host,
        ssl: false,
        customHeaders: { Authorization: 'Bearer owner' },
      });
      const collection = `batches_${Math.random().toString(36).slice(2)}`;
      const reported: string[] = [];
      const state = new FirestoreBatchState(firestore, collection, (problem) =>
        reported.push(`${problem.path}: ${problem.reason}`),
      );
      await state.create(record('batch_good', '2025-03-15T12:00:00.000Z'), { alpha: { n: 1 } });
      const headers = firestore.collection(collection);
      const { created_at: _created, ...withoutCreatedAt } = record('batch_nocreated', '2025-03-15T12:00:00.000Z');
      const shapes: Array<[string, Record<string, unknown>]> = [
        ['batch_players', { ...record('batch_players', '2025-03-15T12:00:00.000Z'), players: 'alpha' }],
        ['batch_created', { ...record('batch_created', '2025-03-15T12:00:00.000Z'), created_at: 1742040000 }],
        ['batch_nocreated', withoutCreatedAt],
        ['batch_empty', {}],
        ['batch_status', { ...record('batch_status', '2025-03-15T12:00:00.000Z'), status: 'exploded' }],
      ];
      for (const [id, shape] of shapes) await headers.doc(id).set(shape);
      expect((await state.list()).map((batch) => batch.batch_id)).toEqual(['batch_good']);
      expect(reported.map((line) => line.split(':')[0]).sort()).toEqual(
        shapes.map(([id]) => `${collection}/${id}`).sort(),
      );
      expect(reported).toContain(`${collection}/batch_players: not a batch record: players: expected a list of names`);
      expect(await state.get('batch_created')).toBeNull();
      expect(await state.update('batch_status', (current) => ({ ...current, status: 'consolidated' }))).toBeNull();
      expect((await headers.doc('batch_status').get()).get('status')).toBe('exploded');

      await state.recordCompletion('batch_good', completion('alpha', 6));
      await headers
        .doc('batch_good')
        .collection('completions')
        .doc('beta')
        .set({ player_lookup: 'beta', rows_staged: '6' });
      expect((await state.completions('batch_good')).map((done) => done.player_lookup)).toEqual(['alpha']);
      expect(reported.at(-1)).toBe(
        `${collection}/batch_good/completions/beta: not a completion record: message_id: expected a string`,
      );
      expect(await state.update('batch_good', (current) => ({ ...current, status: 'consolidating' }))).toMatchObject({
        status: 'consolidating',
      });
    });
  },
);

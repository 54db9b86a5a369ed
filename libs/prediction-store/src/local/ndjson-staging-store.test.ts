import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PredictionRow } from '@props/contracts';
import { NdjsonStagingStore } from './ndjson-staging-store';

/** Staging writes each row as one JSON line and reads nothing back here: a row's shape is not the point. */
const rowsOf = (messageId: string) =>
  [{ message_id: messageId, system_id: 'moving_average' }] as unknown as PredictionRow[];

describe('NdjsonStagingStore.write', () => {
  it("makes the batch's folder on the first writes, side by side, and again after it was removed", async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    const store = new NdjsonStagingStore(root);
    const ids = Array.from({ length: 16 }, (_, index) => `batch_a.p${index}`);
    await Promise.all(ids.map((id) => store.write('batch_a', id, rowsOf(id))));
    expect(readdirSync(join(root, 'batch_a')).sort()).toEqual(ids.map((id) => `${id}.ndjson`).sort());
    rmSync(join(root, 'batch_a'), { recursive: true });
    await store.write('batch_a', 'batch_a.p0', rowsOf('batch_a.p0'));
    expect(JSON.parse(readFileSync(join(root, 'batch_a', 'batch_a.p0.ndjson'), 'utf8'))).toEqual(
      rowsOf('batch_a.p0')[0],
    );
    expect(readdirSync(join(root, 'batch_a'))).toEqual(['batch_a.p0.ndjson']);
  });
});

describe('NdjsonStagingStore.remove', () => {
  it('removes exactly the named messages, one already gone included, and keeps the rest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    const store = new NdjsonStagingStore(root);
    const ids = ['batch_b.p0', 'batch_b.p1', 'batch_b.p2'];
    await Promise.all(ids.map((id) => store.write('batch_b', id, rowsOf(id))));
    rmSync(join(root, 'batch_b', 'batch_b.p1.ndjson'));
    await store.remove('batch_b', ['batch_b.p0', 'batch_b.p1']);
    expect(await store.list('batch_b')).toEqual(['batch_b.p2']);
  });

  it('fails on a file it cannot remove instead of reporting it removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    const store = new NdjsonStagingStore(root);
    // A folder where the file would be: unlink refuses it (EISDIR on Linux), which is not "already gone".
    mkdirSync(join(root, 'batch_c', 'batch_c.p0.ndjson'), { recursive: true });
    await expect(store.remove('batch_c', ['batch_c.p0'])).rejects.toThrow();
  });
});

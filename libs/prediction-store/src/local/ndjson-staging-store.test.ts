import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

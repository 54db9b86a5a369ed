import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetPrefixError, type PredictionRow } from '@props/contracts';
import { NdjsonStagingStore, ndjsonStagingFor } from './ndjson-staging-store';

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

describe('NdjsonStagingStore.writeAll', () => {
  it("stages each message's rows in its own file, a second write replacing them, and refuses an unsafe id before writing", async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    const store = new NdjsonStagingStore(root);
    const ids = Array.from({ length: 16 }, (_, index) => `batch_d.p${index}`);
    await store.writeAll(
      'batch_d',
      ids.map((messageId) => ({ messageId, rows: [...rowsOf(messageId), ...rowsOf(`${messageId}.second_row`)] })),
    );
    await store.writeAll('batch_d', [{ messageId: 'batch_d.p3', rows: rowsOf('batch_d.p3.replaced') }]);
    for (const messageId of ids) {
      const lines = readFileSync(join(root, 'batch_d', `${messageId}.ndjson`), 'utf8').split('\n');
      const expected =
        messageId === 'batch_d.p3'
          ? rowsOf('batch_d.p3.replaced')
          : [...rowsOf(messageId), ...rowsOf(`${messageId}.second_row`)];
      expect(lines.filter(Boolean).map((line) => JSON.parse(line))).toEqual(expected);
    }
    await expect(
      store.writeAll('batch_d', [
        { messageId: 'batch_d.p0', rows: rowsOf('batch_d.p0.never') },
        { messageId: '../escape', rows: [] },
      ]),
    ).rejects.toThrow('staging: batch or message id "../escape" is not a safe file name');
    expect(readFileSync(join(root, 'batch_d', 'batch_d.p0.ndjson'), 'utf8')).toContain('"batch_d.p0"');
    expect(readdirSync(join(root, 'batch_d')).sort()).toEqual(ids.map((id) => `${id}.ndjson`).sort());
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

describe('NdjsonStagingStore.read', () => {
  const staged = {
    prediction_id: '6f1d2c1e-8c1b-4d7e-9a51-0b3c1f3f2a10',
    system_id: 'moving_average',
    player_lookup: 'p1',
    universal_player_id: null,
    game_date: '2024-11-04',
    game_id: '20241104_LAL_DET',
    prediction_version: 1,
    predicted_points: 21.3,
    confidence_score: 0.5,
    recommendation: 'OVER',
    current_points_line: 20.5,
    line_margin: 0.8,
    has_prop_line: true,
    line_source: 'ACTUAL_PROP',
    line_source_api: 'ODDS_API',
    sportsbook: null,
    estimated_line_value: null,
    pace_adjustment: null,
    similar_games_count: null,
    key_factors: null,
    is_actionable: true,
    filter_reason: null,
    model_version: 'moving_average_v1',
    scoring_tier: null,
    adjusted_points: null,
    injury_status_at_prediction: null,
    injury_flag_at_prediction: null,
    injury_reason_at_prediction: null,
    injury_checked_at: null,
    is_active: true,
    created_at: '2024-11-04T16:00:00.000Z',
    batch_id: 'batch_a',
    message_id: 'batch_a.p1',
    feature_quality_score: 92.5,
    is_fallback: false,
    details: '{}',
  };
  const stage = (root: string, messageId: string, rows: object[]) => {
    mkdirSync(join(root, 'batch_a'), { recursive: true });
    writeFileSync(join(root, 'batch_a', `${messageId}.ndjson`), rows.map((row) => JSON.stringify(row) + '\n').join(''));
  };

  it("passes the rows a worker stages as they are, and a row's unknown fields dropped as the schema parses it", async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    stage(root, 'batch_a.p1', [staged, { ...staged, system_id: 'zone_matchup_v1', extra: 'dropped' }]);
    const read = await new NdjsonStagingStore(root).read('batch_a', ['batch_a.p1'], '2024-11-04', {
      'batch_a.p1': { player: 'p1', rows: 2 },
    });
    expect(read).toEqual({ rows: [staged, { ...staged, system_id: 'zone_matchup_v1' }], invalid: [] });
  });

  it('refuses a file with a row the schema refuses, naming the line and the field, and keeps the others', async () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-'));
    stage(root, 'batch_a.p1', [staged]);
    stage(root, 'batch_a.p2', [
      { ...staged, player_lookup: 'p2' },
      { ...staged, player_lookup: 'p2', confidence_score: 1.5 },
    ]);
    stage(root, 'batch_a.p3', [{ ...staged, player_lookup: 'p3', is_fallback: undefined }]);
    const read = await new NdjsonStagingStore(root).read(
      'batch_a',
      ['batch_a.p1', 'batch_a.p2', 'batch_a.p3'],
      '2024-11-04',
    );
    expect(read.rows).toEqual([staged]);
    expect(read.invalid.map(({ messageId, reason }) => [messageId, reason.split(': ').slice(1).join(': ')])).toEqual([
      ['batch_a.p2', expect.stringMatching(/^line 2: confidence_score /)],
      ['batch_a.p3', expect.stringMatching(/^line 1: is_fallback /)],
    ]);
  });
});

describe('ndjsonStagingFor', () => {
  it('keeps one store per prefix and refuses a malformed prefix as invalid_dataset_prefix, touching nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'props-staging-prefix-'));
    const staging = ndjsonStagingFor(root);
    expect(staging('ci')).toBe(staging('ci'));
    expect(() => staging('ci-2')).toThrow(DatasetPrefixError);
    expect(() => staging('ci-2')).toThrow(expect.objectContaining({ code: 'invalid_dataset_prefix' }));
    expect(() => staging('../up')).toThrow(
      'dataset_prefix: expected letters, digits and underscores only (at most 64), got "../up"',
    );
    expect(readdirSync(root)).toEqual([]);
  });
});

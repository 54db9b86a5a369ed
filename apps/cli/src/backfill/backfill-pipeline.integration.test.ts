import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, expect, it } from 'vitest';
import type { DistributedLock } from '@props/distributed-lock';
import { PredictionSystems, loadServedModels } from '@props/models';
import { startLockKey } from '@props/prediction-batch';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';
import { repositoryRoot } from '../test-support/props-process';
import type { BackfillContext } from './backfill-date';
import type { ChunkPorts } from './chunk-ports';
import { backfillPorts } from './backfill-ports';
import { CHUNK_DATES, backfillRange } from './backfill-range';

// The chunks overlap (one opening of the warehouse writes a chunk while the next is predicted), and
// still: no lock is waited for while the warehouse is open, the openings come one after another,
// and a date's rows are formed under its start lock and merged before that lock is released.
const LAST = '2025-03-23';
/** A part chunk of two dates, then a full one. */
const PART = 2;
const DAYS = PART + CHUNK_DATES;

interface Held {
  key: string;
  asked: number;
  acquired: number;
  released: number;
}

/** Records when each lock is asked for, acquired and released (the real lock underneath). */
function recorded(lock: DistributedLock, held: Held[]): void {
  const withLock = lock.withLock.bind(lock);
  lock.withLock = (key, options, work) => {
    const asked = Date.now();
    return withLock(key, options, async (locked) => {
      const entry = { key, asked, acquired: Date.now(), released: Number.POSITIVE_INFINITY };
      held.push(entry);
      try {
        return await work(locked);
      } finally {
        entry.released = Date.now();
      }
    });
  };
}

let warehouse: string;
/** The seeded file as no backfill has written it. */
let pristine: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-backfill-pipeline-'));
  warehouse = (
    await seedWarehouse({
      samplesDir: join(repositoryRoot, 'data', 'nba-samples'),
      out: join(dataDir, 'warehouse.duckdb'),
      seed: 20241022,
    })
  ).out;
  pristine = join(dataDir, 'pristine.duckdb');
  copyFileSync(warehouse, pristine);
}, 180_000);

it('overlaps chunks, yet waits for no lock with the warehouse open and forms and merges each date under its start lock', async () => {
  const ports = await backfillPorts({ ...process.env, PROPS_BACKEND: 'local' }, warehouse);
  const held: Held[] = [];
  recorded(ports.lock, held);
  recorded(ports.gradingLock, held);
  const openings: Array<{ opened: number; closed: number }> = [];
  const withChunk = ports.withChunk.bind(ports);
  ports.withChunk = (prefix, work) =>
    withChunk(prefix, async (chunk) => {
      const opening = { opened: Date.now(), closed: Number.POSITIVE_INFINITY };
      openings.push(opening);
      try {
        return await work(chunk);
      } finally {
        opening.closed = Date.now();
      }
    });
  const { outcomes, dates } = await backfillDays(ports);
  expect(outcomes.filter((outcome) => !['done', 'no_games'].includes(outcome.status))).toEqual([]);

  // No lock is waited for while the warehouse is open.
  for (const lock of held)
    for (const opening of openings)
      expect(lock.acquired <= opening.opened || lock.asked >= opening.closed, JSON.stringify({ lock, opening })).toBe(
        true,
      );
  // Two chunks, three openings (the first only predicts, the last only writes), one at a time.
  expect(openings).toHaveLength(3);
  for (const [index, opening] of openings.entries())
    expect(opening.opened).toBeGreaterThanOrEqual(openings[index - 1]?.closed ?? 0);

  const written = await withWarehouse(warehouse, async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT CAST(b.game_date AS VARCHAR) AS game_date, epoch_ms(min(p.created_at)) AS formed, epoch_ms(b.consolidated_at) AS merged
         FROM nba_orchestration.prediction_batches AS b JOIN nba_predictions.player_prop_predictions AS p ON p.batch_id = b.batch_id
         GROUP BY ALL ORDER BY 1`,
      )
    ).getRowObjectsJS(),
  );
  expect(written.map((row) => row.game_date)).toEqual(
    outcomes.filter((outcome) => outcome.status === 'done').map((outcome) => outcome.game_date),
  );
  for (const { game_date: date, formed, merged } of written) {
    const start = held.find((lock) => lock.key === startLockKey(String(date), ''))!;
    expect(Number(formed)).toBeGreaterThanOrEqual(start.acquired);
    expect(Number(merged)).toBeLessThanOrEqual(start.released);
  }
  // The overlap: the second opening merged the first chunk and formed the second chunk's rows.
  const during = (time: number) => openings.findIndex((opening) => opening.opened <= time && time <= opening.closed);
  const expected = (index: number) => (index < PART ? [0, 1] : [1, 2]);
  for (const { game_date: date, formed, merged } of written)
    expect([during(Number(formed)), during(Number(merged))]).toEqual(expected(dates.indexOf(String(date))));
}, 600_000);

/** The range's dates (a part chunk of PART, then a full one) backfilled on a fresh copy of the seed, its chunk ports wrapped. */
async function backfillCopy(
  wrap: (chunk: ChunkPorts) => ChunkPorts,
): Promise<{ outcomes: Awaited<ReturnType<typeof backfillRange>>; file: string; dates: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'props-backfill-pipeline-')), 'warehouse.duckdb');
  copyFileSync(pristine, file);
  const ports = await backfillPorts({ ...process.env, PROPS_BACKEND: 'local' }, file);
  const withChunk = ports.withChunk.bind(ports);
  ports.withChunk = (prefix, work) => withChunk(prefix, (chunk) => work(wrap(chunk)));
  return { ...(await backfillDays(ports)), file };
}

/** The DAYS dates up to LAST backfilled through `ports` with the served models, graded. */
async function backfillDays(
  ports: BackfillContext['ports'],
): Promise<{ outcomes: Awaited<ReturnType<typeof backfillRange>>; dates: string[] }> {
  const models = await loadServedModels({
    modelDir: join(repositoryRoot, 'models'),
    cacheDir: join(repositoryRoot, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const context: BackfillContext = {
    ports,
    systems: new PredictionSystems(models, () => undefined),
    keepSystems: null,
    datasetPrefix: '',
    grade: true,
  };
  const first = Date.parse(`${LAST}T00:00:00Z`) - (DAYS - 1) * 86_400_000;
  const dates = Array.from({ length: DAYS }, (_, day) => new Date(first + day * 86_400_000).toISOString().slice(0, 10));
  return { outcomes: await backfillRange(context, dates, () => undefined), dates };
}

it('checkpoints an opening only once the next chunk’s inputs, read beside its merge, are read', async () => {
  const events: string[] = [];
  const { outcomes } = await backfillCopy((chunk) => ({
    ...chunk,
    // Read slower than the part chunk merges and grades: the checkpoint must still wait for them.
    inputs: async (dates) => {
      const inputs = await chunk.inputs(dates);
      await sleep(3_000);
      events.push('inputs read');
      return inputs;
    },
    checkpoint: async () => {
      events.push('checkpoint');
      await chunk.checkpoint();
    },
  }));
  expect(outcomes.filter((outcome) => !['done', 'no_games'].includes(outcome.status))).toEqual([]);
  // The part chunk's inputs; the full chunk's, then the part chunk's checkpoint; the full chunk's checkpoint.
  expect(events).toEqual(['inputs read', 'inputs read', 'checkpoint', 'checkpoint']);
}, 600_000);

it('when the next chunk’s inputs cannot be read, still makes the merged chunk’s dates durable and fails only the next chunk’s', async () => {
  let reads = 0;
  const { outcomes, file, dates } = await backfillCopy((chunk) => ({
    ...chunk,
    inputs: (chunkDates) =>
      (reads += 1) === 2 ? Promise.reject(new Error('IO Error: inputs unreadable')) : chunk.inputs(chunkDates),
  }));
  const [part, full] = [outcomes.slice(0, PART), outcomes.slice(PART)];
  expect(part.map((outcome) => outcome.status)).toContain('done');
  expect(part.filter((outcome) => !['done', 'no_games'].includes(outcome.status))).toEqual([]);
  expect(full.filter((outcome) => outcome.status === 'done')).toEqual([]);
  expect(full.map((outcome) => outcome.reason)).toContain('IO Error: inputs unreadable');
  // In the file once the run is over: the part chunk's batches, nothing of the full chunk's.
  const batches = await withWarehouse(file, async (connection) =>
    (
      await connection.runAndReadAll(
        'SELECT DISTINCT CAST(game_date AS VARCHAR) FROM nba_orchestration.prediction_batches ORDER BY 1',
      )
    )
      .getRows()
      .map(([date]) => String(date)),
  );
  expect(batches).toEqual(part.filter((outcome) => outcome.status === 'done').map((outcome) => outcome.game_date));
  expect(batches.every((date) => dates.indexOf(date) < PART)).toBe(true);
}, 600_000);

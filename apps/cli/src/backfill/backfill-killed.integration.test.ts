import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { PredictionSystems, loadServedModels } from '@props/models';
import { seedWarehouse } from '@props/season';
import { withWarehouse } from '@props/warehouse';
import { repositoryRoot } from '../test-support/props-process';
import type { BackfillContext, DateOutcome } from './backfill-date';
import { backfillPorts } from './backfill-ports';
import { backfillRange } from './backfill-range';

// The backfill's openings write no write-ahead log: what an opening commits is durable only at its
// CHECKPOINT. A run killed just before that checkpoint loses the opening's dates, and nothing
// outside the file may say they were done; a re-run then writes them as an uninterrupted run does.
const DATES = ['2025-03-22', '2025-03-23'];
/** Every column but those a run sets anew (ids, times, fencing tokens). */
const NOT_IDS_OR_TIMES = `COLUMNS(c -> NOT regexp_matches(c, 'prediction_id|batch_id|message_id|fencing_token|_at$'))`;
const IN_DATES = `game_date IN (${DATES.map((date) => `DATE '${date}'`).join(', ')})`;

/** The backfill of DATES in a process of its own, killed when its writing opening asks for its checkpoint. */
const KILLED_RUN = (warehouse: string) => `
import { join } from 'node:path';
import { PredictionSystems, loadServedModels } from '@props/models';
import { backfillPorts } from ${JSON.stringify(join(import.meta.dirname, 'backfill-ports.ts'))};
import { backfillRange } from ${JSON.stringify(join(import.meta.dirname, 'backfill-range.ts'))};
const ports = await backfillPorts({ ...process.env, PROPS_BACKEND: 'local' }, ${JSON.stringify(warehouse)});
const withChunk = ports.withChunk.bind(ports);
ports.withChunk = (prefix, work) =>
  withChunk(prefix, (chunk) => work({ ...chunk, checkpoint: async () => void process.kill(process.pid, 'SIGKILL') }));
const models = await loadServedModels({
  modelDir: join(${JSON.stringify(repositoryRoot)}, 'models'),
  cacheDir: join(${JSON.stringify(repositoryRoot)}, 'var/model-cache'),
  env: {},
  requireModels: true,
});
const context = { ports, systems: new PredictionSystems(models, () => undefined), keepSystems: null, datasetPrefix: '', grade: true };
await backfillRange(context, ${JSON.stringify(DATES)}, (outcome) => console.log('reported', outcome.game_date, outcome.status));
`;

let seeded: string;

beforeAll(async () => {
  seeded = (
    await seedWarehouse({
      samplesDir: join(repositoryRoot, 'data', 'nba-samples'),
      out: join(mkdtempSync(join(tmpdir(), 'props-backfill-killed-')), 'warehouse.duckdb'),
      seed: 20241022,
    })
  ).out;
}, 180_000);

function copyOfSeeded(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-backfill-killed-'));
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(seeded, join(dataDir, 'warehouse.duckdb'));
  return join(dataDir, 'warehouse.duckdb');
}

async function backfill(warehouse: string, checkpointFails = false): Promise<DateOutcome[]> {
  const models = await loadServedModels({
    modelDir: join(repositoryRoot, 'models'),
    cacheDir: join(repositoryRoot, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  const ports = await backfillPorts({ ...process.env, PROPS_BACKEND: 'local' }, warehouse);
  if (checkpointFails) {
    const withChunk = ports.withChunk.bind(ports);
    ports.withChunk = (prefix, work) =>
      withChunk(prefix, (chunk) =>
        work({
          ...chunk,
          checkpoint: () => Promise.reject(new Error('IO Error: No space left on device')),
        }),
      );
  }
  const context: BackfillContext = {
    ports,
    systems: new PredictionSystems(models, () => undefined),
    keepSystems: null,
    datasetPrefix: '',
    grade: true,
  };
  return backfillRange(context, DATES, () => undefined);
}

const statuses = (outcomes: DateOutcome[]) => outcomes.map((outcome) => [outcome.game_date, outcome.status]);

/** The dates' predictions, grading and batches, ids and times left out. */
async function written(warehouse: string): Promise<{ predictions: unknown[]; graded: unknown[]; batches: unknown[] }> {
  return withWarehouse(warehouse, async (connection) => {
    const ofDates = async (table: string) =>
      (
        await connection.runAndReadAll(`SELECT ${NOT_IDS_OR_TIMES} FROM ${table} WHERE ${IN_DATES} ORDER BY ALL`)
      ).getRowsJson();
    return {
      predictions: await ofDates('nba_predictions.player_prop_predictions'),
      graded: await ofDates('nba_predictions.prediction_accuracy'),
      batches: await ofDates('nba_orchestration.prediction_batches'),
    };
  });
}

it('loses a killed opening’s dates without a word of them done, and a re-run writes what an uninterrupted run writes', async () => {
  const uninterrupted = copyOfSeeded();
  expect(statuses(await backfill(uninterrupted))).toEqual(DATES.map((date) => [date, 'done']));
  const expected = await written(uninterrupted);
  expect(expected.predictions.length).toBeGreaterThan(0);
  expect(expected.graded.length).toBeGreaterThan(0);

  const warehouse = copyOfSeeded();
  const script = join(mkdtempSync(join(tmpdir(), 'props-backfill-killed-run-')), 'killed-run.mts');
  writeFileSync(script, KILLED_RUN(warehouse));
  const killed = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    timeout: 300_000,
  });
  expect([killed.signal, killed.stderr]).toEqual(['SIGKILL', '']);
  // Nothing reported, no log to replay, none of the dates in the file.
  expect(killed.stdout).toBe('');
  expect(existsSync(`${warehouse}.wal`)).toBe(false);
  expect(await written(warehouse)).toEqual({ predictions: [], graded: [], batches: [] });

  // The killed run's locks are held until their leases run out; the re-run waits for them.
  expect(statuses(await backfill(warehouse))).toEqual(DATES.map((date) => [date, 'done']));
  expect(await written(warehouse)).toEqual(expected);
}, 600_000);

it('reports no date done when the checkpoint that makes its opening durable fails', async () => {
  const outcomes = await backfill(copyOfSeeded(), true);
  // Before: both dates reported done, their rows only in memory.
  expect(outcomes.map((outcome) => [outcome.game_date, outcome.status, outcome.reason])).toEqual(
    DATES.map((date) => [
      date,
      'failed',
      "merged, but not made durable (the warehouse's checkpoint failed): IO Error: No space left on device",
    ]),
  );
}, 300_000);

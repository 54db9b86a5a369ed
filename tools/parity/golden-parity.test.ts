// The golden parity suite (docs/parity.md): this project's systems on the requests of the fixtures
// against what the ORIGINAL worker (najicham/nba-stats-scraper at 0c82ae50, run unchanged by
// tools/parity/run-original.py) wrote for them. Any difference not explained by a departure in
// DEPARTURES fails, naming the system, the player and the field.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_IDS, type PredictionRow } from '@props/contracts';
import { DEPARTURES, PredictionSystems, explainDifference, loadServedModels, predictPlayers } from '@props/models';
import {
  compareRows,
  describeDifference,
  formatParityTable,
  originalRows,
  ourRows,
  similarityOracleRows,
  summarise,
  type ClassifiedDifference,
  type ComparedRow,
} from './golden-comparison';
import type { ParityFixture } from './parity-fixture';

const root = resolve(import.meta.dirname, '../..');
const fixturesDir = resolve(import.meta.dirname, 'fixtures');
const fixtures: ParityFixture[] = readdirSync(fixturesDir)
  .filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name))
  .sort()
  .map((name) => JSON.parse(readFileSync(resolve(fixturesDir, name), 'utf8')) as ParityFixture);

let systems: PredictionSystems;
const ours = new Map<string, PredictionRow[]>();

beforeAll(async () => {
  const served = await loadServedModels({
    modelDir: resolve(root, 'models'),
    cacheDir: resolve(root, 'var/model-cache'),
    env: {},
    requireModels: true,
  });
  systems = new PredictionSystems(served, () => undefined);
  for (const fixture of fixtures) {
    const predictions = await predictPlayers(
      systems,
      fixture.requests.map((request) => ({ messageId: `${request.batch_id}.${request.player_lookup}`, request })),
      '2000-01-01T00:00:00.000Z',
    );
    ours.set(
      fixture.game_date,
      predictions.flatMap((prediction) => prediction.rows),
    );
  }
}, 300_000);

function countBySystem(rows: Iterable<{ systemId: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { systemId } of rows) counts.set(systemId, (counts.get(systemId) ?? 0) + 1);
  return counts;
}

describe('golden parity with the original worker', () => {
  it('covers at least five dates across the season, every player of each', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    const months = new Set(fixtures.map((fixture) => fixture.game_date.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(5);
    for (const fixture of fixtures) {
      const answered = new Set([
        ...fixture.original.rows.map(([player]) => player),
        ...Object.keys(fixture.original.skipped),
      ]);
      expect(fixture.requests.every((request) => answered.has(request.player_lookup))).toBe(true);
    }
  });

  it('differs from the original only where a departure explains it', () => {
    const systemIds = [...new Set([...systems.systemIds, ...Object.values(SYSTEM_IDS)])];
    const differences: ClassifiedDifference[] = [];
    const paired: Array<{ systemId: string; original: ComparedRow; ours: ComparedRow }> = [];
    const originalCounts: Array<{ systemId: string }> = [];
    const ourCounts: Array<{ systemId: string }> = [];
    for (const fixture of fixtures) {
      const mine = ours.get(fixture.game_date)!;
      const result = compareRows(
        fixture.game_date,
        fixture.requests,
        originalRows(fixture),
        ourRows(mine),
        systemIds,
        explainDifference,
      );
      differences.push(...result.differences);
      paired.push(...result.paired);
      originalCounts.push(...fixture.original.rows.map(([, systemId]) => ({ systemId })));
      ourCounts.push(...mine.map((row) => ({ systemId: row.system_id })));
    }
    const table = summarise(
      systemIds,
      { original: countBySystem(originalCounts), ours: countBySystem(ourCounts) },
      paired,
      differences,
    );
    console.log(
      formatParityTable(
        `golden parity: ${fixtures.map((fixture) => fixture.game_date).join(', ')} (${fixtures.reduce((n, f) => n + f.requests.length, 0)} requests)`,
        table,
      ),
    );
    const unexplained = differences.filter((diff) => diff.departure === null);
    expect(unexplained.slice(0, 20).map(describeDifference), `${unexplained.length} unexplained differences`).toEqual(
      [],
    );
  });

  it("similarity equals the original's own similarity code on this project's history context", () => {
    // The one departure of similarity is how each past game's context is derived; run.original.py
    // ran the original's matching, weighting, confidence and formatter on that context. No other
    // departure may explain a difference here, so reading the history in the wrong order fails.
    const systemId = SYSTEM_IDS.similarity;
    const differences: ClassifiedDifference[] = [];
    const paired: Array<{ systemId: string; original: ComparedRow; ours: ComparedRow }> = [];
    let oracleRows = 0;
    for (const fixture of fixtures) {
      const skipped = new Set(Object.keys(fixture.original.skipped));
      const oracle = similarityOracleRows(fixture, systemId);
      oracleRows += oracle.size;
      const result = compareRows(
        fixture.game_date,
        fixture.requests.filter((request) => !skipped.has(request.player_lookup)),
        oracle,
        ourRows(ours.get(fixture.game_date)!),
        [systemId],
        (diff) =>
          DEPARTURES.find(
            (departure) =>
              departure.id !== 'similarity-history-context' &&
              (departure.systems === 'all' || departure.systems.includes(diff.systemId)) &&
              departure.explains(diff),
          ),
      );
      differences.push(...result.differences);
      paired.push(...result.paired);
    }
    const ourCount = fixtures.reduce(
      (n, fixture) => n + ours.get(fixture.game_date)!.filter((row) => row.system_id === systemId).length,
      0,
    );
    console.log(
      formatParityTable(
        "similarity against the original's code on this project's history context",
        summarise(
          [systemId],
          { original: new Map([[systemId, oracleRows]]), ours: new Map([[systemId, ourCount]]) },
          paired,
          differences,
        ),
      ),
    );
    const unexplained = differences.filter((diff) => diff.departure === null);
    expect(unexplained.slice(0, 20).map(describeDifference), `${unexplained.length} unexplained differences`).toEqual(
      [],
    );
  });
});

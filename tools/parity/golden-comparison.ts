// The golden parity suite's comparison (docs/parity.md): this project's rows against the original
// worker's, row by row and system by system, every difference classified by the departures table.
import type { PredictionRequest, PredictionRow } from '@props/contracts';
import { explainDifference, type Departure, type PredictionDifference } from '@props/models';
import type { ParityFixture } from './parity-fixture';

type Field = PredictionDifference['field'];
const VALUE_FIELDS = ['predicted_points', 'confidence_score', 'recommendation'] as const;

/** The compared values of one row. */
export interface ComparedRow {
  predicted_points: number;
  confidence_score: number;
  recommendation: string;
}

export interface ClassifiedDifference extends PredictionDifference {
  /** The departure that explains it; null: unexplained, a parity failure. */
  departure: string | null;
}

export interface SystemParity {
  systemId: string;
  originalRows: number;
  ourRows: number;
  /** Rows both sides wrote. */
  paired: number;
  maxPointsDiff: number;
  meanPointsDiff: number;
  maxConfidenceDiff: number;
  meanConfidenceDiff: number;
  /** Share of paired rows with the same recommendation. */
  recommendationAgreement: number;
  explained: Record<string, number>;
  unexplained: number;
}

const SAME = 1e-9;

function differs(field: Field, original: unknown, ours: unknown): boolean {
  if (typeof original === 'number' && typeof ours === 'number') return Math.abs(original - ours) > SAME;
  return original !== ours;
}

/** Keys rows by player and system (the suite's requests carry one line each). */
function byPlayerAndSystem<T>(rows: Iterable<[string, string, T]>): Map<string, T> {
  const keyed = new Map<string, T>();
  for (const [player, system, row] of rows) keyed.set(`${player}|${system}`, row);
  return keyed;
}

export interface ComparisonInput {
  fixture: ParityFixture;
  ours: readonly PredictionRow[];
  /** Departures that may explain a difference (all of them for the original's rows). */
  classify?: (diff: PredictionDifference) => Departure | undefined;
}

/**
 * Every (player, system) the requests cover: a row on one side only is a `row_presence`
 * difference, a row on both sides is compared field by field; each difference is classified.
 */
export function compareRows(
  gameDate: string,
  requests: readonly PredictionRequest[],
  original: Map<string, ComparedRow>,
  ours: Map<string, ComparedRow>,
  systems: readonly string[],
  classify: (diff: PredictionDifference) => Departure | undefined = explainDifference,
): {
  differences: ClassifiedDifference[];
  paired: Array<{ systemId: string; original: ComparedRow; ours: ComparedRow }>;
} {
  const differences: ClassifiedDifference[] = [];
  const paired: Array<{ systemId: string; original: ComparedRow; ours: ComparedRow }> = [];
  const record = (diff: PredictionDifference) => differences.push({ ...diff, departure: classify(diff)?.id ?? null });
  for (const request of requests) {
    for (const systemId of systems) {
      const key = `${request.player_lookup}|${systemId}`;
      const theirs = original.get(key);
      const mine = ours.get(key);
      const base = { systemId, playerLookup: request.player_lookup, gameDate, request };
      if (!theirs || !mine) {
        if (theirs || mine) record({ ...base, field: 'row_presence', original: Boolean(theirs), ours: Boolean(mine) });
        continue;
      }
      paired.push({ systemId, original: theirs, ours: mine });
      for (const field of VALUE_FIELDS)
        if (differs(field, theirs[field], mine[field]))
          record({ ...base, field, original: theirs[field], ours: mine[field] });
    }
  }
  return { differences, paired };
}

export function originalRows(fixture: ParityFixture): Map<string, ComparedRow> {
  return byPlayerAndSystem(
    fixture.original.rows.map(([player, system, points, confidence, recommendation]) => [
      player,
      system,
      { predicted_points: points, confidence_score: confidence, recommendation },
    ]),
  );
}

export function ourRows(rows: readonly PredictionRow[]): Map<string, ComparedRow> {
  return byPlayerAndSystem(
    rows.map((row) => [
      row.player_lookup,
      row.system_id,
      {
        predicted_points: Number(row.predicted_points),
        confidence_score: Number(row.confidence_score),
        recommendation: String(row.recommendation),
      },
    ]),
  );
}

/** The original's similarity code on this project's history context, keyed like the rows. */
export function similarityOracleRows(fixture: ParityFixture, systemId: string): Map<string, ComparedRow> {
  return byPlayerAndSystem(
    fixture.original.similarity_on_our_context
      .filter((row) => row[1] !== null)
      .map(([player, points, confidence, recommendation]) => [
        player,
        systemId,
        { predicted_points: points!, confidence_score: confidence!, recommendation: recommendation! },
      ]),
  );
}

/** Per-system figures over all compared dates. */
export function summarise(
  systems: readonly string[],
  counts: { original: Map<string, number>; ours: Map<string, number> },
  paired: ReadonlyArray<{ systemId: string; original: ComparedRow; ours: ComparedRow }>,
  differences: readonly ClassifiedDifference[],
): SystemParity[] {
  return systems.map((systemId) => {
    const pairs = paired.filter((pair) => pair.systemId === systemId);
    const points = pairs.map((pair) => Math.abs(pair.original.predicted_points - pair.ours.predicted_points));
    const confidence = pairs.map((pair) => Math.abs(pair.original.confidence_score - pair.ours.confidence_score));
    const agree = pairs.filter((pair) => pair.original.recommendation === pair.ours.recommendation).length;
    const mine = differences.filter((diff) => diff.systemId === systemId);
    const explained: Record<string, number> = {};
    for (const diff of mine) if (diff.departure) explained[diff.departure] = (explained[diff.departure] ?? 0) + 1;
    const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
    return {
      systemId,
      originalRows: counts.original.get(systemId) ?? 0,
      ourRows: counts.ours.get(systemId) ?? 0,
      paired: pairs.length,
      maxPointsDiff: Math.max(0, ...points),
      meanPointsDiff: mean(points),
      maxConfidenceDiff: Math.max(0, ...confidence),
      meanConfidenceDiff: mean(confidence),
      recommendationAgreement: pairs.length ? agree / pairs.length : 1,
      explained,
      unexplained: mine.filter((diff) => diff.departure === null).length,
    };
  });
}

export function formatParityTable(title: string, rows: readonly SystemParity[]): string {
  const header =
    'system                  orig  ours  paired  max|Δpts|  mean|Δpts|  max|Δconf|  mean|Δconf|  rec.agree  unexplained';
  const lines = rows.map(
    (row) =>
      `${row.systemId.padEnd(22)} ${String(row.originalRows).padStart(5)} ${String(row.ourRows).padStart(5)} ${String(row.paired).padStart(7)}` +
      ` ${row.maxPointsDiff.toFixed(1).padStart(10)} ${row.meanPointsDiff.toFixed(3).padStart(11)}` +
      ` ${row.maxConfidenceDiff.toFixed(2).padStart(11)} ${row.meanConfidenceDiff.toFixed(4).padStart(12)}` +
      ` ${(row.recommendationAgreement * 100).toFixed(1).padStart(9)}% ${String(row.unexplained).padStart(12)}`,
  );
  const explained = rows
    .filter((row) => Object.keys(row.explained).length > 0)
    .map(
      (row) =>
        `  ${row.systemId}: ${Object.entries(row.explained)
          .map(([id, n]) => `${id} ${n}`)
          .join(', ')}`,
    );
  return [title, header, ...lines, 'differences explained by departures:', ...explained].join('\n');
}

/** One line naming an unexplained difference: the system, the player, the date and the field. */
export function describeDifference(diff: ClassifiedDifference): string {
  return `${diff.systemId} ${diff.playerLookup} ${diff.gameDate} ${diff.field}: original ${JSON.stringify(diff.original)}, ours ${JSON.stringify(diff.ours)}`;
}

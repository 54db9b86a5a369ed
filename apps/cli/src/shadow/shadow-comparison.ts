import { explainDifference, type PredictionDifference } from '@props/models';

/** One prediction as both tables store it (the latest row of a player and system on the date). */
export interface ShadowRow {
  player_lookup: string;
  system_id: string;
  predicted_points: number;
  confidence_score: number;
  recommendation: string;
}

export interface ShadowDifference {
  systemId: string;
  playerLookup: string;
  field: PredictionDifference['field'];
  original: unknown;
  ours: unknown;
  departure: string | null;
}

export interface ShadowSystemResult {
  systemId: string;
  originalPlayers: number;
  ourPlayers: number;
  bothPlayers: number;
  meanAbsPointsDiff: number | null;
  maxAbsPointsDiff: number | null;
  recommendationAgreement: number | null;
  overUnderFlips: number;
  explained: Record<string, number>;
  unexplained: ShadowDifference[];
}

export interface ShadowComparison {
  gameDate: string;
  systems: ShadowSystemResult[];
  unexplained: number;
  explained: number;
}

const FIELDS = ['predicted_points', 'confidence_score', 'recommendation'] as const;
const SAME = 1e-6;

/**
 * This project's rows against the original's for one date, system by system: every player on one
 * side only is a row_presence difference, every value that differs a field difference, and each is
 * classified by the departures table (`requests` gives a player's inputs to its predicates).
 */
export function compareShadow(
  gameDate: string,
  original: readonly ShadowRow[],
  ours: readonly ShadowRow[],
  requests: ReadonlyMap<string, unknown>,
): ShadowComparison {
  const key = (row: ShadowRow) => `${row.system_id}|${row.player_lookup}`;
  const theirs = new Map(original.map((row) => [key(row), row]));
  const mine = new Map(ours.map((row) => [key(row), row]));
  const systemIds = [...new Set([...original, ...ours].map((row) => row.system_id))].sort();
  const systems = systemIds.map((systemId): ShadowSystemResult => {
    const players = (rows: readonly ShadowRow[]) =>
      new Set(rows.filter((row) => row.system_id === systemId).map((row) => row.player_lookup));
    const originalPlayers = players(original);
    const ourPlayers = players(ours);
    const all = [...new Set([...originalPlayers, ...ourPlayers])].sort();
    const differences: ShadowDifference[] = [];
    const pointDiffs: number[] = [];
    let agree = 0;
    let flips = 0;
    const classify = (diff: Omit<ShadowDifference, 'departure'>) => {
      const departure = explainDifference({
        ...diff,
        gameDate,
        request: requests.get(diff.playerLookup) ?? null,
      });
      differences.push({ ...diff, departure: departure?.id ?? null });
    };
    for (const playerLookup of all) {
      const a = theirs.get(`${systemId}|${playerLookup}`);
      const b = mine.get(`${systemId}|${playerLookup}`);
      if (!a || !b) {
        classify({ systemId, playerLookup, field: 'row_presence', original: Boolean(a), ours: Boolean(b) });
        continue;
      }
      pointDiffs.push(Math.abs(a.predicted_points - b.predicted_points));
      if (a.recommendation === b.recommendation) agree += 1;
      const pair = [a.recommendation, b.recommendation].sort().join('/');
      if (pair === 'OVER/UNDER') flips += 1;
      for (const field of FIELDS) {
        const [x, y] = [a[field], b[field]];
        const differs = typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) > SAME : x !== y;
        if (differs) classify({ systemId, playerLookup, field, original: x, ours: y });
      }
    }
    const explained: Record<string, number> = {};
    for (const diff of differences)
      if (diff.departure) explained[diff.departure] = (explained[diff.departure] ?? 0) + 1;
    return {
      systemId,
      originalPlayers: originalPlayers.size,
      ourPlayers: ourPlayers.size,
      bothPlayers: pointDiffs.length,
      meanAbsPointsDiff: pointDiffs.length ? pointDiffs.reduce((s, d) => s + d, 0) / pointDiffs.length : null,
      maxAbsPointsDiff: pointDiffs.length ? Math.max(...pointDiffs) : null,
      recommendationAgreement: pointDiffs.length ? agree / pointDiffs.length : null,
      overUnderFlips: flips,
      explained,
      unexplained: differences.filter((diff) => diff.departure === null),
    };
  });
  return {
    gameDate,
    systems,
    unexplained: systems.reduce((n, system) => n + system.unexplained.length, 0),
    explained: systems.reduce((n, system) => n + Object.values(system.explained).reduce((a, b) => a + b, 0), 0),
  };
}

const fixed = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));

/** The printed report: one line per system, then what the departures explained and what they did not. */
export function shadowReport(comparison: ShadowComparison, tables: { original: string; ours: string }): string {
  const lines = [
    `shadow ${comparison.gameDate}: ${tables.ours} against ${tables.original}`,
    `  ${'system'.padEnd(24)} ${'orig'.padStart(5)} ${'ours'.padStart(5)} ${'both'.padStart(5)} ${'mean|Δpts|'.padStart(10)} ${'max|Δpts|'.padStart(9)} ${'rec.agree'.padStart(9)} ${'flips'.padStart(5)} ${'explained'.padStart(9)} ${'unexplained'.padStart(11)}`,
    ...comparison.systems.map(
      (s) =>
        `  ${s.systemId.padEnd(24)} ${String(s.originalPlayers).padStart(5)} ${String(s.ourPlayers).padStart(5)} ${String(s.bothPlayers).padStart(5)} ${fixed(s.meanAbsPointsDiff, 2).padStart(10)} ${fixed(s.maxAbsPointsDiff, 1).padStart(9)} ${(s.recommendationAgreement === null ? '-' : `${(s.recommendationAgreement * 100).toFixed(1)}%`).padStart(9)} ${String(s.overUnderFlips).padStart(5)} ${String(Object.values(s.explained).reduce((a, b) => a + b, 0)).padStart(9)} ${String(s.unexplained.length).padStart(11)}`,
    ),
  ];
  const explained = comparison.systems.filter((s) => Object.keys(s.explained).length > 0);
  if (explained.length > 0) {
    lines.push('explained by departures (docs/parity.md):');
    for (const s of explained)
      lines.push(
        `  ${s.systemId}: ${Object.entries(s.explained)
          .map(([id, n]) => `${id} ${n}`)
          .join(', ')}`,
      );
  }
  const unexplained = comparison.systems.flatMap((s) => s.unexplained);
  if (unexplained.length > 0) {
    lines.push(`unexplained differences (${unexplained.length}; first 10):`);
    for (const d of unexplained.slice(0, 10))
      lines.push(
        `  ${d.systemId} ${d.playerLookup} ${d.field}: original ${JSON.stringify(d.original)}, ours ${JSON.stringify(d.ours)}`,
      );
  }
  return lines.join('\n');
}

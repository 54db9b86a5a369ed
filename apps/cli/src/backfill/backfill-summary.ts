import type { DateOutcome } from './backfill-date';

export interface SystemTotals {
  system_id: string;
  rows: number;
  graded: number;
  picks: number;
  wins: number;
  losses: number;
  hit_rate: number | null;
  /** Over the graded predictions of players who played. */
  mae: number | null;
}

export interface RangeTotals {
  dates: number;
  done: number;
  no_games: number;
  no_players: number;
  skipped: number;
  failed: number;
  players: number;
  rows: number;
  graded: number;
  seconds: number;
  rows_per_second: number;
}

/** Each system over the range: rows written, and the graded picks' hit rate and MAE. */
export function systemTotals(outcomes: readonly DateOutcome[]): SystemTotals[] {
  const totals = new Map<string, SystemTotals & { errorSum: number; played: number }>();
  const entry = (systemId: string) => {
    if (!totals.has(systemId))
      totals.set(systemId, {
        system_id: systemId,
        rows: 0,
        graded: 0,
        picks: 0,
        wins: 0,
        losses: 0,
        hit_rate: null,
        mae: null,
        errorSum: 0,
        played: 0,
      });
    return totals.get(systemId)!;
  };
  for (const outcome of outcomes) {
    for (const [systemId, rows] of Object.entries(outcome.rows_per_system)) entry(systemId).rows += rows;
    for (const system of outcome.systems) {
      const total = entry(system.systemId);
      total.graded += system.graded;
      total.picks += system.picks;
      total.wins += system.wins;
      total.losses += system.losses;
      const played = system.graded - system.voided;
      if (system.mae !== null) {
        total.errorSum += system.mae * played;
        total.played += played;
      }
    }
  }
  return [...totals.values()]
    .sort((a, b) => a.system_id.localeCompare(b.system_id))
    .map(({ errorSum, played, ...total }) => ({
      ...total,
      hit_rate: total.wins + total.losses === 0 ? null : total.wins / (total.wins + total.losses),
      mae: played === 0 ? null : errorSum / played,
    }));
}

export function rangeTotals(outcomes: readonly DateOutcome[], seconds: number): RangeTotals {
  const count = (status: DateOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  const rows = outcomes.reduce((sum, outcome) => sum + outcome.rows, 0);
  return {
    dates: outcomes.length,
    done: count('done'),
    no_games: count('no_games'),
    no_players: count('no_players'),
    skipped: count('skipped'),
    failed: count('failed'),
    players: outcomes.reduce((sum, outcome) => sum + outcome.players, 0),
    rows,
    graded: outcomes.reduce((sum, outcome) => sum + outcome.graded, 0),
    seconds,
    rows_per_second: seconds === 0 ? 0 : rows / seconds,
  };
}

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

/** The per-date and per-system tables `props backfill` prints. */
export function summaryLines(
  outcomes: readonly DateOutcome[],
  systems: readonly SystemTotals[],
  totals: RangeTotals,
): string[] {
  const dateLines = outcomes.map((outcome) => {
    const hits = outcome.systems.reduce((sum, system) => sum + system.wins, 0);
    const decided = outcome.systems.reduce((sum, system) => sum + system.wins + system.losses, 0);
    const figures =
      outcome.status === 'done'
        ? `${String(outcome.players).padStart(4)} players ${String(outcome.rows).padStart(5)} rows ${String(outcome.graded).padStart(5)} graded  hit ${percent(decided === 0 ? null : hits / decided).padStart(6)}`
        : '';
    const skipped = Object.entries(outcome.players_skipped)
      .map(([reason, players]) => `${reason} ${players}`)
      .join(', ');
    return `  ${outcome.game_date}  ${outcome.status.padEnd(10)}  ${figures}${skipped ? `  skipped: ${skipped}` : ''}${outcome.reason ? `  ${outcome.reason}` : ''}`;
  });
  const width = Math.max(9, ...systems.map((system) => system.system_id.length));
  const systemLines = systems.map(
    (system) =>
      `  ${system.system_id.padEnd(width)}  ${String(system.rows).padStart(7)}  ${String(system.graded).padStart(7)}  ${String(system.picks).padStart(6)}  ${percent(system.hit_rate).padStart(6)}  ${system.mae === null ? '     -' : system.mae.toFixed(2).padStart(6)}`,
  );
  return [
    'per date:',
    ...dateLines,
    '',
    'per system:',
    ...(systems.length === 0
      ? ['  no rows written']
      : [
          `  ${'system'.padEnd(width)}  ${'rows'.padStart(7)}  ${'graded'.padStart(7)}  ${'picks'.padStart(6)}  ${'hit'.padStart(6)}  ${'MAE'.padStart(6)}`,
          ...systemLines,
        ]),
    '',
    `${totals.dates} dates: ${totals.done} done, ${totals.no_games} without games, ${totals.no_players} without eligible players, ${totals.skipped} skipped, ${totals.failed} failed; ${totals.players} players, ${totals.rows} rows, ${totals.graded} graded in ${totals.seconds.toFixed(1)} s (${Math.round(totals.rows_per_second)} rows/s)`,
  ];
}

import type { SystemSummary } from '@props/grading';

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const fixed = (value: number | null) => (value === null ? '-' : value.toFixed(2));

/** Per-system grading as aligned text lines. */
export function gradingTable(systems: readonly SystemSummary[], indent = '  '): string[] {
  const header = `${'system'.padEnd(24)} ${'picks'.padStart(5)} ${'wins'.padStart(5)} ${'losses'.padStart(6)} ${'pushes'.padStart(6)} ${'voided'.padStart(6)} ${'hit rate'.padStart(8)} ${'MAE'.padStart(6)} ${'bias'.padStart(6)}`;
  return [
    indent + header,
    ...systems.map(
      (system) =>
        `${indent}${system.systemId.padEnd(24)} ${String(system.picks).padStart(5)} ${String(system.wins).padStart(5)} ${String(system.losses).padStart(6)} ${String(system.pushes).padStart(6)} ${String(system.voided).padStart(6)} ${percent(system.hitRate).padStart(8)} ${fixed(system.mae).padStart(6)} ${fixed(system.bias).padStart(6)}`,
    ),
  ];
}

/** Hit rate by confidence decile, one line per system with picks. */
export function confidenceTable(systems: readonly SystemSummary[], indent = '  '): string[] {
  return systems
    .filter((system) => system.byConfidence.length > 0)
    .map(
      (system) =>
        `${indent}${system.systemId.padEnd(24)} ${system.byConfidence.map((bucket) => `d${bucket.decile} ${percent(bucket.hitRate)} (${bucket.picks})`).join('  ')}`,
    );
}

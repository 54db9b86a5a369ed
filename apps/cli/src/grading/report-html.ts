import { PRIMARY_SYSTEM, SYSTEM_IDS } from '@props/contracts';
import type { GradedPrediction, SystemSummary } from '@props/grading';
import { BREAK_EVEN, SMALL_SAMPLE, hitRateCell, utcInstant, wilsonInterval } from './season-report-html';

export interface ReportInput {
  gameDate: string;
  generatedAt: string;
  batch: {
    batchId: string;
    playersExpected: number;
    playersCompleted: number;
    rowsMerged: number;
    loadPath: string;
    consolidatedAt: string;
  } | null;
  systems: SystemSummary[];
  rows: GradedPrediction[];
  /** Player names by lookup key, where the warehouse has them (box scores, prop lines). */
  playerNames?: Readonly<Record<string, string>>;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
/** `1 pick`, `2 picks`. */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const WIDTH = 640;
const HEIGHT = 280;
/** The top margin holds the reference line's label, the bottom one the value axis. */
const MARGIN = { left: 210, right: 120, top: 30, bottom: 44 };

interface Bar {
  label: string;
  value: number;
  text: string;
  /** A hit rate's 95% interval, drawn as a whisker. */
  interval?: { low: number; high: number } | null;
  /** Fewer decided picks than SMALL_SAMPLE: drawn pale and marked. */
  small?: boolean;
}

/** Value-axis ticks at round steps from 0 to at least max. */
function valueTicks(max: number, format: (value: number) => string): { max: number; ticks: Array<[number, string]> } {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw)!;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: Array<[number, string]> = [];
  for (let value = 0; value <= top + step / 1000; value += step) ticks.push([value, format(value)]);
  return { max: top, ticks };
}

function barChart(
  name: string,
  title: string,
  bars: readonly Bar[],
  max: number,
  format: (value: number) => string,
  reference?: { value: number; label: string },
): string {
  const axis = valueTicks(max, format);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = plotHeight / Math.max(1, bars.length);
  const sx = (value: number) => MARGIN.left + (Math.min(value, axis.max) / axis.max) * plotWidth;
  const grid = axis.ticks
    .map(
      ([value, label]) =>
        `<line class="grid" x1="${sx(value).toFixed(1)}" x2="${sx(value).toFixed(1)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}"/><text class="tick" x="${sx(value).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escape(label)}</text>`,
    )
    .join('');
  const marks = bars
    .map((bar, index) => {
      const y = MARGIN.top + index * step;
      const end = sx(bar.value);
      const whisker = bar.interval
        ? `<line class="interval" x1="${sx(bar.interval.low).toFixed(1)}" x2="${sx(bar.interval.high).toFixed(1)}" y1="${(y + step / 2).toFixed(1)}" y2="${(y + step / 2).toFixed(1)}"/>`
        : '';
      // The value sits past the bar's end, or past its interval's, in the right margin's room.
      const textX = Math.max(end, bar.interval ? sx(bar.interval.high) : end) + 6;
      return `<text x="${MARGIN.left - 8}" y="${(y + step / 2 + 5).toFixed(1)}" text-anchor="end">${escape(bar.label)}</text><rect class="mark${bar.small ? ' small-sample' : ''}" x="${MARGIN.left}" y="${(y + 3).toFixed(1)}" width="${(end - MARGIN.left).toFixed(1)}" height="${(step - 6).toFixed(1)}"><title>${escape(`${bar.label}: ${bar.text}`)}</title></rect>${whisker}<text class="value" x="${textX.toFixed(1)}" y="${(y + step / 2 + 5).toFixed(1)}">${escape(bar.text)}</text>`;
    })
    .join('');
  const line =
    reference && axis.max > 0
      ? `<line class="reference" x1="${sx(reference.value).toFixed(1)}" x2="${sx(reference.value).toFixed(1)}" y1="${MARGIN.top - 6}" y2="${MARGIN.top + plotHeight}"/><text class="reference-label" x="${sx(reference.value).toFixed(1)}" y="${MARGIN.top - 12}" text-anchor="middle">${escape(reference.label)}</text>`
      : '';
  const area = `<rect class="plot-area" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none"/>`;
  return `<figure class="chart" data-chart="${name}"><figcaption>${escape(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(title)}">${area}${grid}${marks}${line}</svg></figure>`;
}

/** A hit-rate bar: the rate, its 95% interval, and the number of decided picks it rests on. */
function hitRateBar(label: string, wins: number, decided: number): Bar {
  const rate = decided === 0 ? 0 : wins / decided;
  return {
    label,
    value: rate,
    text: decided === 0 ? 'no decided picks' : `${percent(rate)} of ${decided}${decided < SMALL_SAMPLE ? '*' : ''}`,
    interval: wilsonInterval(wins, decided),
    small: decided < SMALL_SAMPLE,
  };
}

/** Why a system has no hit rate: no predictions of real lines, all PASS, all voided, or all pushes. */
export function emptySystemReason(system: SystemSummary): string | null {
  if (system.wins + system.losses > 0) return null;
  if (system.graded === 0) return 'no predictions of real prop lines';
  if (system.voided === system.graded)
    return `all ${count(system.graded, 'prediction')} voided (the players did not play)`;
  if (system.picks === 0)
    return `no OVER/UNDER pick: all ${count(system.graded - system.voided, 'prediction')} of players who played were PASS`;
  return `its ${count(system.picks, 'pick')} all pushed (scored exactly the line)`;
}

/** The name a reader knows the player by: the registry's, where the warehouse has it; else the lookup key. */
const playerName = (input: ReportInput, lookup: string) => input.playerNames?.[lookup] ?? lookup;

function scatter(input: ReportInput): string {
  const points = input.rows.filter(
    (row) => !row.isVoided && row.actualPoints !== null && row.systemId === PRIMARY_SYSTEM,
  );
  const max = Math.max(10, ...points.map((row) => Math.max(row.predictedPoints, row.actualPoints!))) * 1.05;
  const size = 420;
  const scale = (value: number) => 56 + (value / max) * (size - 72);
  const flip = (value: number) => size - 16 - scale(value);
  const marks = points
    .map(
      (row) =>
        `<circle class="mark" cx="${scale(row.predictedPoints).toFixed(1)}" cy="${flip(row.actualPoints!).toFixed(1)}" r="3"><title>${escape(`${playerName(input, row.playerLookup)}: predicted ${row.predictedPoints}, scored ${row.actualPoints}`)}</title></circle>`,
    )
    .join('');
  const ticks = Array.from({ length: Math.floor(max / 10) + 1 }, (_, index) => index * 10)
    .map(
      (value) =>
        `<line class="grid" x1="${scale(value)}" x2="${scale(value)}" y1="${flip(0)}" y2="${flip(max)}"/><line class="grid" x1="${scale(0)}" x2="${scale(max)}" y1="${flip(value)}" y2="${flip(value)}"/><text class="tick" x="${scale(value)}" y="${flip(0) + 16}" text-anchor="middle">${value}</text><text class="tick" x="${scale(0) - 6}" y="${flip(value) + 5}" text-anchor="end">${value}</text>`,
    )
    .join('');
  const area = `<rect class="plot-area" x="${scale(0)}" y="${flip(max)}" width="${scale(max) - scale(0)}" height="${flip(0) - flip(max)}" fill="none"/>`;
  return `<figure class="chart" data-chart="predicted-vs-actual"><figcaption>CatBoost V8: predicted versus actual points (${count(points.length, 'player')}; the dashed line is a perfect prediction)</figcaption><svg viewBox="0 0 ${size} ${size}" role="img" aria-label="predicted versus actual points">${area}${ticks}<line class="axis" x1="${scale(0)}" y1="${flip(0)}" x2="${scale(max)}" y2="${flip(max)}"/><text x="${(scale(0) + scale(max)) / 2}" y="${size - 4}" text-anchor="middle">predicted points</text><text x="14" y="${size / 2}" transform="rotate(-90 14 ${size / 2})" text-anchor="middle">actual points</text>${marks}</svg></figure>`;
}

/** One self-contained page: no script, no external file, every chart an inline SVG. */
export function renderReport(input: ReportInput): string {
  const graded = input.systems.filter((system) => system.wins + system.losses > 0);
  const empty = input.systems
    .map((system) => [system.systemId, emptySystemReason(system)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== null)
    // A system of the contract that wrote nothing for the date is named too, not silently absent.
    .concat(
      Object.values(SYSTEM_IDS)
        .filter((systemId) => !input.systems.some((system) => system.systemId === systemId))
        .map((systemId) => [systemId, 'no predictions of real prop lines for the date'] as const),
    );
  const breakEven = { value: BREAK_EVEN, label: `break-even ${percent(BREAK_EVEN)}` };
  const byDecile = new Map<number, { picks: number; wins: number; decided: number }>();
  for (const row of input.rows) {
    if (row.isVoided || (row.recommendation !== 'OVER' && row.recommendation !== 'UNDER')) continue;
    const bucket = byDecile.get(row.confidenceDecile) ?? { picks: 0, wins: 0, decided: 0 };
    bucket.picks += 1;
    if (row.predictionCorrect !== null) bucket.decided += 1;
    if (row.predictionCorrect === true) bucket.wins += 1;
    byDecile.set(row.confidenceDecile, bucket);
  }
  const misses = input.rows
    .filter((row) => row.absoluteError !== null && (row.recommendation === 'OVER' || row.recommendation === 'UNDER'))
    .sort((a, b) => b.absoluteError! - a.absoluteError! || a.playerLookup.localeCompare(b.playerLookup))
    .slice(0, 10);
  const batch = input.batch
    ? `<dl><dt>batch</dt><dd>${escape(input.batch.batchId)}</dd><dt>players</dt><dd>${input.batch.playersCompleted} of ${input.batch.playersExpected}</dd><dt>rows merged</dt><dd>${input.batch.rowsMerged}</dd><dt>slate load</dt><dd>${escape(input.batch.loadPath)}</dd><dt>consolidated</dt><dd>${escape(utcInstant(input.batch.consolidatedAt))}</dd></dl>`
    : '<p>No batch record for this date (predictions were written another way).</p>';
  const systemRows = input.systems
    .map((system) => {
      const reason = emptySystemReason(system);
      const hitRate = reason
        ? `<span class="none" title="${escape(reason)}">– (${escape(reason)})</span>`
        : hitRateCell(system.wins, system.losses);
      return `<tr><td>${escape(system.systemId)}</td><td>${system.picks}</td><td>${system.wins}</td><td>${system.losses}</td><td>${system.pushes}</td><td>${system.voided}</td><td>${hitRate}</td><td>${system.mae?.toFixed(2) ?? '–'}</td><td>${system.bias?.toFixed(2) ?? '–'}</td></tr>`;
    })
    .join('');
  const missRows = misses
    .map(
      (row) =>
        `<tr><td>${escape(playerName(input, row.playerLookup))}</td><td>${escape(row.systemId)}</td><td>${row.predictedPoints}</td><td>${row.actualPoints}</td><td>${row.line}</td><td>${escape(row.recommendation)}</td><td>${row.absoluteError}</td></tr>`,
    )
    .join('');
  const emptyNote =
    empty.length === 0
      ? ''
      : `<p class="empty-systems">No hit rate for ${empty.map(([id, reason]) => `${escape(id)}: ${escape(reason)}`).join('; ')}.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Predictions of ${escape(input.gameDate)}: grading report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:980px;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#57606a}
.chart svg{width:100%;max-width:${WIDTH}px;height:auto;font-size:14px}.chart .grid{stroke:#eaeef2}.chart .tick{fill:#57606a}.chart .reference{stroke:#cf222e;stroke-width:2;stroke-dasharray:8 5}.chart .reference-label{fill:#cf222e;font-weight:600}.chart .mark{fill:#2f81f7}.chart .mark.small-sample{fill:#2f81f7;fill-opacity:.35;stroke:#2f81f7;stroke-dasharray:3 2}.chart .interval{stroke:#1b1f24;stroke-width:1.5}.chart .value{paint-order:stroke;stroke:#fff;stroke-width:4px}.chart circle.mark{fill:#2f81f7;fill-opacity:.6}.chart .axis{stroke:#8c959f;stroke-dasharray:4 3}
figcaption{color:#57606a;margin-bottom:.3rem}.chart[data-chart="predicted-vs-actual"] svg{max-width:420px}.interval{color:#57606a;font-size:.85em}.small-sample{color:#9a6700}.none{color:#57606a}
</style></head>
<body>
<h1>Predictions of ${escape(input.gameDate)} (game date, ET)</h1>
<p>Graded against the box scores; generated ${escape(utcInstant(input.generatedAt))}. Hit rate = wins / (wins + losses) over OVER/UNDER picks of players who played; pushes count as neither. The interval is the 95% Wilson interval (the whisker on the bars); * and pale bars mark fewer than ${SMALL_SAMPLE} decided picks, too few to tell a system from a coin.</p>
<h2>Batch</h2>${batch}
<h2>Per system</h2>
<table data-table="systems"><thead><tr><th>system</th><th>picks</th><th>wins</th><th>losses</th><th>pushes</th><th>voided</th><th>hit rate (95% interval)</th><th>MAE</th><th>bias</th></tr></thead><tbody>${systemRows}</tbody></table>
${emptyNote}
${barChart(
  'hit-rate',
  'Hit rate per system (of its decided picks)',
  graded.map((system) => hitRateBar(system.systemId, system.wins, system.wins + system.losses)),
  1,
  (value) => `${Math.round(value * 100)}%`,
  breakEven,
)}
${barChart(
  'mae',
  'Mean absolute error per system (points)',
  input.systems
    .filter((system) => system.mae !== null)
    .map((system) => ({ label: system.systemId, value: system.mae!, text: system.mae!.toFixed(2) })),
  Math.max(1, ...input.systems.map((system) => system.mae ?? 0)),
  (value) => String(Math.round(value * 10) / 10),
)}
${scatter(input)}
${barChart(
  'confidence',
  'Hit rate by confidence decile (all systems)',
  [...byDecile.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([decile, bucket]) =>
      hitRateBar(`decile ${decile} (${count(bucket.picks, 'pick')})`, bucket.wins, bucket.decided),
    ),
  1,
  (value) => `${Math.round(value * 100)}%`,
  breakEven,
)}
<h2>Biggest misses (picks)</h2>
<table data-table="misses"><thead><tr><th>player</th><th>system</th><th>predicted</th><th>actual</th><th>line</th><th>call</th><th>error</th></tr></thead><tbody>${missRows}</tbody></table>
</body></html>
`;
}

import { PRIMARY_SYSTEM } from '@props/contracts';
import type { GradedPrediction, SystemSummary } from '@props/grading';
import { BREAK_EVEN } from './season-report-html';

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
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { left: 190, right: 70, top: 16, bottom: 34 };

function barChart(
  name: string,
  title: string,
  bars: { label: string; value: number; text: string }[],
  max: number,
  reference?: { value: number; label: string },
): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const step = (HEIGHT - MARGIN.top - MARGIN.bottom) / Math.max(1, bars.length);
  const marks = bars
    .map((bar, index) => {
      const y = MARGIN.top + index * step;
      const width = max === 0 ? 0 : (bar.value / max) * plotWidth;
      return `<text x="${MARGIN.left - 8}" y="${y + step / 2 + 4}" text-anchor="end">${escape(bar.label)}</text><rect class="mark" x="${MARGIN.left}" y="${y + 3}" width="${width.toFixed(1)}" height="${(step - 6).toFixed(1)}"><title>${escape(`${bar.label}: ${bar.text}`)}</title></rect><text x="${(MARGIN.left + width + 6).toFixed(1)}" y="${y + step / 2 + 4}">${escape(bar.text)}</text>`;
    })
    .join('');
  const line =
    reference && max > 0
      ? `<line class="reference" x1="${(MARGIN.left + (reference.value / max) * plotWidth).toFixed(1)}" x2="${(MARGIN.left + (reference.value / max) * plotWidth).toFixed(1)}" y1="${MARGIN.top - 4}" y2="${HEIGHT - MARGIN.bottom + 4}"/><text class="reference-label" x="${(MARGIN.left + (reference.value / max) * plotWidth + 4).toFixed(1)}" y="${HEIGHT - 8}">${escape(reference.label)}</text>`
      : '';
  return `<figure class="chart" data-chart="${name}"><figcaption>${escape(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(title)}">${marks}${line}</svg></figure>`;
}

function scatter(rows: readonly GradedPrediction[]): string {
  const points = rows.filter((row) => !row.isVoided && row.actualPoints !== null && row.systemId === PRIMARY_SYSTEM);
  const max = Math.max(10, ...points.map((row) => Math.max(row.predictedPoints, row.actualPoints!))) * 1.05;
  const size = 420;
  const scale = (value: number) => 56 + (value / max) * (size - 72);
  const flip = (value: number) => size - 16 - scale(value);
  const marks = points
    .map(
      (row) =>
        `<circle class="mark" cx="${scale(row.predictedPoints).toFixed(1)}" cy="${flip(row.actualPoints!).toFixed(1)}" r="3"><title>${escape(`${row.playerLookup}: predicted ${row.predictedPoints}, scored ${row.actualPoints}`)}</title></circle>`,
    )
    .join('');
  const ticks = Array.from({ length: Math.floor(max / 10) + 1 }, (_, index) => index * 10)
    .map(
      (value) =>
        `<line class="grid" x1="${scale(value)}" x2="${scale(value)}" y1="${flip(0)}" y2="${flip(max)}"/><line class="grid" x1="${scale(0)}" x2="${scale(max)}" y1="${flip(value)}" y2="${flip(value)}"/><text class="tick" x="${scale(value)}" y="${flip(0) + 16}" text-anchor="middle">${value}</text><text class="tick" x="${scale(0) - 6}" y="${flip(value) + 5}" text-anchor="end">${value}</text>`,
    )
    .join('');
  return `<figure class="chart" data-chart="predicted-vs-actual"><figcaption>CatBoost V8: predicted versus actual points (${points.length} players; the dashed line is a perfect prediction)</figcaption><svg viewBox="0 0 ${size} ${size}" role="img" aria-label="predicted versus actual points">${ticks}<line class="axis" x1="${scale(0)}" y1="${flip(0)}" x2="${scale(max)}" y2="${flip(max)}"/><text x="${(scale(0) + scale(max)) / 2}" y="${size - 4}" text-anchor="middle">predicted points</text><text x="14" y="${size / 2}" transform="rotate(-90 14 ${size / 2})" text-anchor="middle">actual points</text>${marks}</svg></figure>`;
}

/** One self-contained page: no script, no external file, every chart an inline SVG. */
export function renderReport(input: ReportInput): string {
  const graded = input.systems.filter((system) => system.picks > 0);
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
    ? `<dl><dt>batch</dt><dd>${escape(input.batch.batchId)}</dd><dt>players</dt><dd>${input.batch.playersCompleted} of ${input.batch.playersExpected}</dd><dt>rows merged</dt><dd>${input.batch.rowsMerged}</dd><dt>slate load</dt><dd>${escape(input.batch.loadPath)}</dd><dt>consolidated</dt><dd>${escape(input.batch.consolidatedAt)}</dd></dl>`
    : '<p>No batch record for this date (predictions were written another way).</p>';
  const systemRows = input.systems
    .map(
      (system) =>
        `<tr><td>${escape(system.systemId)}</td><td>${system.picks}</td><td>${system.wins}</td><td>${system.losses}</td><td>${system.pushes}</td><td>${system.voided}</td><td>${percent(system.hitRate)}</td><td>${system.mae?.toFixed(2) ?? '–'}</td><td>${system.bias?.toFixed(2) ?? '–'}</td></tr>`,
    )
    .join('');
  const missRows = misses
    .map(
      (row) =>
        `<tr><td>${escape(row.playerLookup)}</td><td>${escape(row.systemId)}</td><td>${row.predictedPoints}</td><td>${row.actualPoints}</td><td>${row.line}</td><td>${escape(row.recommendation)}</td><td>${row.absoluteError}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Predictions of ${escape(input.gameDate)}: grading report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:980px;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#57606a}
.chart svg{width:100%;max-width:${WIDTH}px;height:auto;font-size:14px}.chart .grid{stroke:#eaeef2}.chart .reference{stroke:#cf222e;stroke-width:2;stroke-dasharray:8 5}.chart .reference-label{fill:#cf222e;font-weight:600}.chart .mark{fill:#2f81f7}.chart circle.mark{fill:#2f81f7;fill-opacity:.6}.chart .axis{stroke:#8c959f;stroke-dasharray:4 3}
figcaption{color:#57606a;margin-bottom:.3rem}.chart[data-chart="predicted-vs-actual"] svg{max-width:420px}.grid{display:block}
</style></head>
<body>
<h1>Predictions of ${escape(input.gameDate)}</h1>
<p>Graded against the box scores; generated ${escape(input.generatedAt)}. Hit rate = wins / (wins + losses) over OVER/UNDER picks of players who played; pushes count as neither.</p>
<h2>Batch</h2>${batch}
<h2>Per system</h2>
<table><thead><tr><th>system</th><th>picks</th><th>wins</th><th>losses</th><th>pushes</th><th>voided</th><th>hit rate</th><th>MAE</th><th>bias</th></tr></thead><tbody>${systemRows}</tbody></table>
<div class="grid">
${barChart(
  'hit-rate',
  'Hit rate per system',
  graded.map((system) => ({ label: system.systemId, value: system.hitRate ?? 0, text: percent(system.hitRate) })),
  1,
  breakEven,
)}
${barChart(
  'mae',
  'Mean absolute error per system (points)',
  input.systems
    .filter((system) => system.mae !== null)
    .map((system) => ({ label: system.systemId, value: system.mae!, text: system.mae!.toFixed(2) })),
  Math.max(1, ...input.systems.map((system) => system.mae ?? 0)),
)}
</div>
${scatter(input.rows)}
${barChart(
  'confidence',
  'Hit rate by confidence decile (all systems)',
  [...byDecile.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([decile, bucket]) => ({
      label: `decile ${decile} (${bucket.picks} picks)`,
      value: bucket.decided === 0 ? 0 : bucket.wins / bucket.decided,
      text: bucket.decided === 0 ? '–' : percent(bucket.wins / bucket.decided),
    })),
  1,
  breakEven,
)}
<h2>Biggest misses (picks)</h2>
<table data-table="misses"><thead><tr><th>player</th><th>system</th><th>predicted</th><th>actual</th><th>line</th><th>call</th><th>error</th></tr></thead><tbody>${missRows}</tbody></table>
</body></html>
`;
}

import type { SeasonDay, SeasonView } from '@props/grading';

/** A pick at -110 wins 100 for 110 risked: it breaks even at 110 / 210. */
export const BREAK_EVEN = 110 / 210;

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const COLORS = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e', '#57606a'];
const WIDTH = 920;
const HEIGHT = 340;
const MARGIN = { left: 64, right: 24, top: 16, bottom: 64 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number; title: string }>;
}

interface Axis {
  min: number;
  max: number;
  ticks: Array<{ value: number; label: string }>;
}

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOf = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
/** The Monday of the date's week. */
const weekOf = (date: string) => dateOf(day(date) - ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

function niceTicks(min: number, max: number, format: (value: number) => string, count = 5): Axis {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw)!;
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks = [];
  for (let value = low; value <= high + step / 1000; value += step) ticks.push({ value, label: format(value) });
  return { min: low, max: high, ticks };
}

function monthTicks(from: string, to: string): Axis {
  const ticks = [];
  const start = new Date(`${from}T00:00:00Z`);
  for (
    const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0), 1));
    month.toISOString().slice(0, 10) <= to;
    month.setUTCMonth(month.getUTCMonth() + 1)
  ) {
    ticks.push({
      value: day(month.toISOString().slice(0, 10)),
      label: `${MONTHS[month.getUTCMonth()]} ${month.getUTCFullYear()}`,
    });
  }
  return { min: day(from), max: day(to), ticks };
}

/**
 * The weekly charts' axis: whole weeks, from the Monday of --from's week to the end of --to's
 * week, each week's point at its middle (so a range starting Friday to Sunday still draws its
 * first week inside the plot), a tick at every Monday and a label on as many as fit.
 */
function weekTicks(from: string, to: string): Axis {
  const first = day(weekOf(from));
  const last = day(weekOf(to));
  const weeks = (last - first) / 7 + 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const every = Math.max(1, Math.ceil((weeks * 70) / plotWidth));
  const ticks = [];
  for (let monday = first, index = 0; monday <= last; monday += 7, index += 1) {
    const date = new Date(monday * 86_400_000);
    ticks.push({
      value: monday,
      label: index % every === 0 ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}` : '',
    });
  }
  return { min: first, max: last + 7, ticks };
}

/**
 * The volume chart's axis: each date with half a day of room either side (so the first and last
 * dates' bars stay inside the plot), ticked by month, or by Monday in a range with few month starts.
 */
function dateAxis(from: string, to: string): Axis & { title: string } {
  const months = monthTicks(from, to);
  const mondays = weekTicks(from, to).ticks.filter((tick) => tick.value >= day(from));
  return {
    min: day(from) - 0.5,
    max: day(to) + 0.5,
    ticks: months.ticks.length >= 3 ? months.ticks : mondays,
    title: 'game date (ET)',
  };
}

/** A week's point: the middle of the week that starts on that Monday. */
const WEEK_MIDDLE = 3.5;

/** The Wilson score interval of a hit rate (95%): honest for small samples, never outside 0..1. */
export function wilsonInterval(wins: number, decided: number, z = 1.96): { low: number; high: number } | null {
  if (decided === 0) return null;
  const share = wins / decided;
  const denominator = 1 + (z * z) / decided;
  const centre = (share + (z * z) / (2 * decided)) / denominator;
  const margin = (z * Math.sqrt((share * (1 - share)) / decided + (z * z) / (4 * decided * decided))) / denominator;
  return { low: Math.max(0, centre - margin), high: Math.min(1, centre + margin) };
}

/** Decided picks under this are a small sample: their hit rate is shown with its interval and marked. */
export const SMALL_SAMPLE = 30;

/** An SVG plot with both axes ticked and labelled, optional reference line, and marks from `body`. */
function plot(
  name: string,
  title: string,
  legend: readonly Series[],
  x: Axis & { title: string },
  y: Axis,
  yTitle: string,
  body: (sx: (v: number) => number, sy: (v: number) => number) => string,
  reference?: { value: number; label: string },
): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (value: number) =>
    MARGIN.left + (x.max === x.min ? plotWidth / 2 : ((value - x.min) / (x.max - x.min)) * plotWidth);
  const sy = (value: number) => MARGIN.top + plotHeight - ((value - y.min) / (y.max - y.min)) * plotHeight;
  const yTicks = y.ticks
    .map(
      (tick) =>
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(tick.value).toFixed(1)}" y2="${sy(tick.value).toFixed(1)}"/><text class="tick" x="${MARGIN.left - 8}" y="${(sy(tick.value) + 5).toFixed(1)}" text-anchor="end">${escape(tick.label)}</text>`,
    )
    .join('');
  const xTicks = x.ticks
    .map(
      (tick) =>
        `<line class="axis-line" x1="${sx(tick.value).toFixed(1)}" x2="${sx(tick.value).toFixed(1)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 6}"/>${tick.label ? `<text class="tick" x="${sx(tick.value).toFixed(1)}" y="${MARGIN.top + plotHeight + 24}" text-anchor="middle">${escape(tick.label)}</text>` : ''}`,
    )
    .join('');
  const line = reference
    ? `<line class="reference" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(reference.value).toFixed(1)}" y2="${sy(reference.value).toFixed(1)}"/><text class="reference-label" x="${WIDTH - MARGIN.right - 4}" y="${(sy(reference.value) - 6).toFixed(1)}" text-anchor="end">${escape(reference.label)}</text>`
    : '';
  const area = `<rect class="plot-area" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none"/>`;
  const axes = `${area}<line class="axis-line" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}"/><line class="axis-line" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}"/>`;
  const xLabel = `<text class="tick" x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escape(x.title)}</text>`;
  const yLabel = `<text class="tick" x="16" y="${MARGIN.top + plotHeight / 2}" transform="rotate(-90 16 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">${escape(yTitle)}</text>`;
  const key =
    legend.length > 1
      ? `<ul class="legend">${legend
          .filter((series) => series.points.length > 0)
          .map((series) => `<li><span style="background:${series.color}"></span>${escape(series.name)}</li>`)
          .join('')}</ul>`
      : '';
  return `<figure class="chart" data-chart="${name}"><figcaption>${escape(title)}</figcaption>${key}<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escape(title)}">${yTicks}${axes}${xTicks}${xLabel}${yLabel}${body(sx, sy)}${line}</svg></figure>`;
}

function lines(series: readonly Series[], sx: (v: number) => number, sy: (v: number) => number): string {
  return series
    .map((one) => {
      const path = one.points
        .map((point, index) => `${index === 0 ? 'M' : 'L'}${sx(point.x).toFixed(1)},${sy(point.y).toFixed(1)}`)
        .join(' ');
      const dots = one.points
        .map(
          (point) =>
            `<circle class="mark" cx="${sx(point.x).toFixed(1)}" cy="${sy(point.y).toFixed(1)}" r="3.5" style="fill:${one.color}"><title>${escape(point.title)}</title></circle>`,
        )
        .join('');
      return `<path d="${path}" fill="none" stroke="${one.color}" stroke-width="2"/>${dots}`;
    })
    .join('');
}

/** A system's sums over several dates. */
interface SystemTotal extends Omit<SeasonDay, 'gameDate'> {
  dates: number;
}

function totalsBySystem(days: readonly SeasonDay[]): SystemTotal[] {
  const totals = new Map<string, SystemTotal>();
  for (const entry of days) {
    const total = totals.get(entry.systemId) ?? {
      systemId: entry.systemId,
      dates: 0,
      graded: 0,
      played: 0,
      picks: 0,
      wins: 0,
      losses: 0,
      absoluteErrorSum: 0,
    };
    total.dates += 1;
    total.graded += entry.graded;
    total.played += entry.played;
    total.picks += entry.picks;
    total.wins += entry.wins;
    total.losses += entry.losses;
    total.absoluteErrorSum += entry.absoluteErrorSum;
    totals.set(entry.systemId, total);
  }
  return [...totals.values()].sort((a, b) => a.systemId.localeCompare(b.systemId));
}

/** Each system's weekly figure (hit rate or MAE) as a series; weeks without data leave a gap in the points. */
function weekly(
  days: readonly SeasonDay[],
  systems: readonly string[],
  value: (week: SystemTotal) => number | null,
  text: (week: SystemTotal, figure: number) => string,
): Series[] {
  return systems.map((systemId, index) => {
    const weeks = new Map<string, SeasonDay[]>();
    for (const entry of days.filter((candidate) => candidate.systemId === systemId))
      weeks.set(weekOf(entry.gameDate), [...(weeks.get(weekOf(entry.gameDate)) ?? []), entry]);
    const points = [...weeks.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([week, entries]) => {
        const total = totalsBySystem(entries)[0]!;
        const figure = value(total);
        return figure === null
          ? []
          : [{ x: day(week) + WEEK_MIDDLE, y: figure, title: `${systemId}, week of ${week}: ${text(total, figure)}` }];
      });
    return { name: systemId, color: COLORS[index % COLORS.length]!, points };
  });
}

/** A hit rate with its 95% interval; a small sample is marked, no decided pick says so. */
export function hitRateCell(wins: number, losses: number): string {
  const decided = wins + losses;
  if (decided === 0) return '<span class="none">– (no decided picks)</span>';
  const interval = wilsonInterval(wins, decided)!;
  const range = `<span class="interval">${percent(interval.low)}–${percent(interval.high)}</span>`;
  return decided < SMALL_SAMPLE
    ? `<span class="small-sample" title="fewer than ${SMALL_SAMPLE} decided picks: a small sample">${percent(wins / decided)}*</span> ${range}`
    : `${percent(wins / decided)} ${range}`;
}

/** An instant as the pages print it: minutes, in UTC, labelled. */
export function utcInstant(value: string): string {
  const parsed = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(value) ? value.replace(' ', 'T').replace(/\+00$/, 'Z') : value);
  return Number.isNaN(parsed.getTime()) ? value : `${parsed.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The season page: per-system totals, hit rate and MAE by week, calibration of confidence, volume per day. */
export function renderSeasonReport(view: SeasonView, generatedAt: string): string {
  const totals = totalsBySystem(view.days);
  const systems = totals.map((total) => total.systemId);
  const hitRate = (total: SystemTotal) =>
    total.wins + total.losses === 0 ? null : total.wins / (total.wins + total.losses);
  const mae = (total: SystemTotal) => (total.played === 0 ? null : total.absoluteErrorSum / total.played);
  const weeks = { ...weekTicks(view.from, view.to), title: 'week starting Monday (game dates, ET)' };
  const dates = dateAxis(view.from, view.to);

  const hitSeries = weekly(
    view.days,
    systems,
    (week) => (week.wins + week.losses < 5 ? null : hitRate(week)),
    (week, figure) => `${percent(figure)} of ${week.wins + week.losses} decided picks`,
  );
  const hitValues = hitSeries.flatMap((series) => series.points.map((point) => point.y));
  const hitAxis = niceTicks(
    Math.min(0.3, ...hitValues),
    Math.max(0.75, ...hitValues),
    (value) => `${Math.round(value * 100)}%`,
  );
  const maeSeries = weekly(
    view.days,
    systems,
    mae,
    (week, figure) => `${figure.toFixed(2)} points over ${week.played} predictions`,
  );
  const maeAxis = niceTicks(
    0,
    Math.max(1, ...maeSeries.flatMap((series) => series.points.map((point) => point.y))),
    (value) => value.toFixed(1),
  );

  const calibrationSeries: Series[] = systems
    .map((systemId, index) => ({
      name: systemId,
      color: COLORS[index % COLORS.length]!,
      points: view.calibration
        .filter((bucket) => bucket.systemId === systemId && bucket.wins + bucket.losses >= 10)
        .map((bucket) => ({
          x: bucket.decile,
          y: bucket.wins / (bucket.wins + bucket.losses),
          title: `${systemId}, confidence decile ${bucket.decile}: ${percent(bucket.wins / (bucket.wins + bucket.losses))} of ${bucket.wins + bucket.losses} decided picks`,
        })),
    }))
    .filter((series) => series.points.length > 0);
  const deciles = {
    title: 'confidence decile (1: lowest, 10: highest)',
    min: 0.5,
    max: 10.5,
    ticks: Array.from({ length: 10 }, (_, index) => ({ value: index + 1, label: String(index + 1) })),
  };
  const calibrationAxis = niceTicks(
    Math.min(0.3, ...calibrationSeries.flatMap((series) => series.points.map((point) => point.y))),
    Math.max(0.75, ...calibrationSeries.flatMap((series) => series.points.map((point) => point.y))),
    (value) => `${Math.round(value * 100)}%`,
  );

  const perDate = new Map<string, number>();
  for (const entry of view.days) perDate.set(entry.gameDate, Math.max(perDate.get(entry.gameDate) ?? 0, entry.graded));
  const volumeAxis = niceTicks(0, Math.max(10, ...perDate.values()), (value) => String(Math.round(value)));
  // At most 3 px, and never wider than most of a day, so a long range's bars neither overlap nor leave the plot.
  const barWidth = (sx: (v: number) => number) => Math.min(3, 0.8 * (sx(1) - sx(0)));
  const volumeBars = (sx: (v: number) => number, sy: (v: number) => number) =>
    [...perDate.entries()]
      .map(
        ([date, graded]) =>
          `<rect class="mark" x="${(sx(day(date)) - barWidth(sx) / 2).toFixed(1)}" y="${sy(graded).toFixed(1)}" width="${barWidth(sx).toFixed(2)}" height="${(sy(0) - sy(graded)).toFixed(1)}"><title>${escape(`${date}: ${graded} players graded`)}</title></rect>`,
      )
      .join('');

  const rows = totals
    .map(
      (total) =>
        `<tr><td>${escape(total.systemId)}</td><td>${total.dates}</td><td>${total.graded}</td><td>${total.picks}</td><td>${total.wins}</td><td>${total.losses}</td><td>${hitRateCell(total.wins, total.losses)}</td><td>${mae(total)?.toFixed(2) ?? '–'}</td><td>${(total.picks / Math.max(1, total.dates)).toFixed(1)}</td></tr>`,
    )
    .join('');
  const breakEven = { value: BREAK_EVEN, label: `break-even ${percent(BREAK_EVEN)} (at -110)` };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Season view ${escape(view.from)} .. ${escape(view.to)}: grading report</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#1b1f24}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}
.chart{margin:1.5rem 0}.chart svg{max-width:100%;height:auto;font-size:15px;fill:#1b1f24}.chart .mark{fill:#0969da}
.chart .grid{stroke:#eaeef2}.chart .axis-line{stroke:#57606a}.chart .reference{stroke:#cf222e;stroke-width:2;stroke-dasharray:8 5}.chart .reference-label{fill:#cf222e;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:5px}
figcaption{font-weight:600;margin-bottom:.3rem}.interval{color:#57606a;font-size:.85em}.small-sample{color:#9a6700}.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:0;margin:.2rem 0 .5rem}.legend span{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:.4rem;vertical-align:-2px}
</style></head>
<body>
<h1>Season view: ${escape(view.from)} .. ${escape(view.to)}</h1>
<p>What grading wrote for the range (prediction_accuracy); generated ${escape(utcInstant(generatedAt))}; dates are game dates (ET). Hit rate = wins / (wins + losses) over OVER/UNDER picks of players who played; a pick at -110 pays off above ${percent(BREAK_EVEN)}. The interval is the 95% Wilson interval; * marks fewer than ${SMALL_SAMPLE} decided picks.</p>
<h2>Per system</h2>
<table data-table="systems"><thead><tr><th>system</th><th>dates</th><th>graded</th><th>picks</th><th>wins</th><th>losses</th><th>hit rate (95% interval)</th><th>MAE</th><th>picks per date</th></tr></thead><tbody>${rows}</tbody></table>
${plot('hit-rate-by-week', 'Hit rate per system, by week (weeks with at least 5 decided picks)', hitSeries, weeks, hitAxis, 'hit rate', (sx, sy) => lines(hitSeries, sx, sy), breakEven)}
${plot('mae-by-week', 'Mean absolute error per system, by week (points)', maeSeries, weeks, maeAxis, 'MAE (points)', (sx, sy) => lines(maeSeries, sx, sy))}
${plot('calibration', 'Calibration: hit rate by confidence decile over the range (deciles with at least 10 decided picks)', calibrationSeries, deciles, calibrationAxis, 'hit rate', (sx, sy) => lines(calibrationSeries, sx, sy), breakEven)}
${plot('volume', 'Players graded per date', [], dates, volumeAxis, 'players', volumeBars)}
</body></html>
`;
}

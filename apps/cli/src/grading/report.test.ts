import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gradePrediction, summarizeBySystem } from '@props/grading';
import type { SeasonView } from '@props/grading';
import { renderReport, type ReportInput } from './report-html';
import { BREAK_EVEN, renderSeasonReport } from './season-report-html';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.PROPS_REQUIRE_CHROMIUM === 'true';
if (!existsSync(CHROMIUM) && !required)
  console.log(
    `report Chromium test skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`,
  );

function exampleReport(): ReportInput {
  let seed = 3;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows = Array.from({ length: 60 }, (_, index) => {
    const line = 8.5 + Math.floor(random() * 20);
    const predicted = Math.round((line + (random() - 0.5) * 8) * 10) / 10;
    const actual = Math.max(0, Math.round(line + (random() - 0.5) * 16));
    return gradePrediction(
      {
        playerLookup: `player${index % 20}`,
        gameId: 'g',
        systemId: ['catboost_v8', 'xgboost_v1', 'moving_average'][index % 3]!,
        modelVersion: 'v',
        predictedPoints: index === 3 ? 45 : predicted,
        confidenceScore: 0.5 + random() * 0.45,
        recommendation: index === 3 ? 'PASS' : predicted > line ? 'OVER' : 'UNDER',
        line,
        hasPropLine: true,
        lineSource: 'ACTUAL_PROP',
        estimatedLineValue: null,
        isActionable: true,
        filterReason: null,
        paceAdjustment: null,
        similarGamesCount: null,
        injuryStatus: null,
        injuryFlag: null,
      },
      index === 7
        ? { points: 0, minutes: null, teamAbbr: 'LAL', opponentTeamAbbr: 'BOS' }
        : { points: actual, minutes: 28, teamAbbr: 'LAL', opponentTeamAbbr: 'BOS' },
    );
  });
  return {
    gameDate: '2025-03-15',
    generatedAt: '2025-03-16T08:00:00.000Z',
    batch: {
      batchId: 'batch_2025-03-15_1_abc',
      playersExpected: 20,
      playersCompleted: 20,
      rowsMerged: 60,
      loadPath: 'one_query',
      consolidatedAt: '2025-03-15 18:00:00+00',
    },
    systems: [
      ...summarizeBySystem(rows),
      // A system whose every prediction was PASS: no hit rate, and the page says why.
      {
        ...summarizeBySystem(rows)[0]!,
        systemId: 'zone_matchup_v1',
        picks: 0,
        wins: 0,
        losses: 0,
        pushes: 0,
        hitRate: null,
      },
    ],
    rows,
    playerNames: Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`player${index}`, `Player Number ${index}`]),
    ),
  };
}

const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the screenshots go, for a reader to look at: the test's output folder. */
const SCREENS = join(tmpdir(), 'props-report-screens');

/** The little of the DOM the check below reads (the tests compile without the DOM library). */
interface ChartNode {
  querySelector(selector: string): ChartNode | null;
  querySelectorAll(selector: string): Iterable<ChartNode>;
  getBoundingClientRect(): {
    x: number;
    y: number;
    width: number;
    height: number;
    left: number;
    right: number;
    top: number;
    bottom: number;
  };
  getAttribute(name: string): string | null;
  textContent: string | null;
  outerHTML: string;
}

/** Every mark (bar, point) whose centre is outside its chart's plot area, or whose box leaves it by more than 4 px. */
function marksOutsidePlots(figures: ChartNode[]): string[] {
  const offenders: string[] = [];
  for (const figure of figures) {
    const area = figure.querySelector('.plot-area')!.getBoundingClientRect();
    for (const mark of figure.querySelectorAll('.mark')) {
      const box = mark.getBoundingClientRect();
      const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
      const centreInside =
        cx >= area.left - 0.5 && cx <= area.right + 0.5 && cy >= area.top - 0.5 && cy <= area.bottom + 0.5;
      const boxInside =
        box.left >= area.left - 4 &&
        box.right <= area.right + 4 &&
        box.top >= area.top - 4 &&
        box.bottom <= area.bottom + 4;
      if (!centreInside || !boxInside)
        offenders.push(
          `${figure.getAttribute('data-chart')}: ${mark.querySelector('title')?.textContent ?? mark.outerHTML.slice(0, 80)}`,
        );
    }
  }
  return offenders;
}

describe('props report page', () => {
  it('is one self-contained file: no script, no external resource', () => {
    const html = renderReport(exampleReport());
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(4);
  });

  it('counts in words that agree with the number: 1 pick, 1 player', () => {
    const example = exampleReport();
    const pick = example.rows.find(
      (row) =>
        row.systemId === 'catboost_v8' && !row.isVoided && row.recommendation !== 'PASS' && row.actualPoints !== null,
    )!;
    const html = renderReport({ ...example, rows: [pick], systems: summarizeBySystem([pick]) });
    expect(html).toContain('(1 pick)');
    expect(html).toContain('(1 player;');
    expect(html).not.toMatch(/\b1 (picks|players)\b/);
  });

  it.skipIf(!existsSync(CHROMIUM) && !required)(
    'renders in headless Chromium without console errors and shows every chart with marks',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'props-report-')), 'report.html');
      writeFileSync(file, renderReport(exampleReport()));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
        await page.goto(`file://${file}`);
        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((figure) => {
            const svg = figure.querySelector('svg')!;
            const box = svg.getBoundingClientRect();
            return {
              name: figure.getAttribute('data-chart'),
              marks: svg.querySelectorAll('.mark').length,
              width: box.width,
              height: box.height,
            };
          }),
        );
        expect(charts.map((chart) => chart.name)).toEqual(['hit-rate', 'mae', 'predicted-vs-actual', 'confidence']);
        for (const chart of charts) {
          expect(chart.marks, chart.name!).toBeGreaterThan(0);
          expect(chart.width, chart.name!).toBeGreaterThan(100);
          expect(chart.height, chart.name!).toBeGreaterThan(100);
        }
        expect(await page.$$eval('table[data-table="misses"] tbody tr', (rows) => rows.length)).toBe(10);
        // Labels a reader can read, the break-even line where hit rates are drawn, and only picks among the misses.
        const smallest = await page.$$eval('figure.chart svg text', (texts) =>
          Math.min(...texts.map((text) => text.getBoundingClientRect().height)),
        );
        expect(smallest).toBeGreaterThanOrEqual(14);
        expect(
          await page.$$eval('figure.chart', (figures) =>
            figures
              .filter((figure) => figure.querySelector('.reference'))
              .map((figure) => figure.getAttribute('data-chart')),
          ),
        ).toEqual(['hit-rate', 'confidence']);
        expect(
          await page.$$eval('figure[data-chart="predicted-vs-actual"] text.tick', (ticks) => ticks.length),
        ).toBeGreaterThan(6);
        expect(
          new Set(
            await page.$$eval('table[data-table="misses"] tbody tr td:nth-child(6)', (cells) =>
              cells.map((cell) => cell.textContent),
            ),
          ),
        ).toEqual(new Set(['OVER', 'UNDER']));
        expect(await page.title()).toBe('Predictions of 2025-03-15: grading report');
        expect(problems).toEqual([]);
        // Every mark inside its plot; names, not lookup keys; no "1 picks"; an empty system explained; one instant format.
        expect(await page.$$eval('figure.chart', marksOutsidePlots)).toEqual([]);
        const text = await page.$eval('body', (body) => body.textContent ?? '');
        expect(text).toContain('Player Number');
        expect(
          await page.$$eval('table[data-table="misses"] tbody td:first-child', (cells) =>
            cells.map((cell) => cell.textContent),
          ),
        ).not.toContainEqual(expect.stringMatching(/^player\d+$/));
        expect(text).not.toMatch(/\b1 picks\b|\b1 players\b/);
        expect(text).toContain('zone_matchup_v1: no OVER/UNDER pick: all');
        expect(text.match(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}[^ ]*( UTC)?/g)).toEqual([
          '2025-03-16 08:00 UTC',
          '2025-03-15 18:00 UTC',
        ]);
        // The value axis, and the break-even label clear of every bar value.
        expect(
          await page.$$eval('figure[data-chart="hit-rate"] text.tick', (ticks) =>
            ticks.map((tick) => tick.textContent),
          ),
        ).toEqual(['0%', '25%', '50%', '75%', '100%']);
        const overlaps = await page.$$eval('figure.chart', (figures) =>
          figures.flatMap((figure) => {
            const label = figure.querySelector('.reference-label')?.getBoundingClientRect();
            if (!label) return [];
            return [...figure.querySelectorAll('text.value')]
              .map((value) => value.getBoundingClientRect())
              .filter(
                (box) =>
                  box.left < label.right && box.right > label.left && box.top < label.bottom && box.bottom > label.top,
              )
              .map(() => figure.getAttribute('data-chart'));
          }),
        );
        expect(overlaps).toEqual([]);
        mkdirSync(SCREENS, { recursive: true });
        await page.screenshot({ path: join(SCREENS, 'date-report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it.skipIf(!existsSync(CHROMIUM) && !required)(
    'renders the season view with labels at body size, ticked axes and the break-even line',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'props-season-')), 'season.html');
      writeFileSync(file, renderSeasonReport(exampleSeason(), '2025-04-14T08:00:00.000Z'));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const problems: string[] = [];
        page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
        page.on('pageerror', (error) => problems.push(error.message));
        await page.goto(`file://${file}`);
        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((figure) => {
            const svg = figure.querySelector('svg')!;
            const ticks = [...svg.querySelectorAll('text.tick')];
            return {
              name: figure.getAttribute('data-chart'),
              marks: svg.querySelectorAll('.mark').length,
              ticks: ticks.length,
              // The size a reader sees: the font size scaled as the SVG is drawn.
              smallestLabelPx: Math.min(...ticks.map((text) => text.getBoundingClientRect().height)),
              reference: svg.querySelector('.reference-label')?.textContent ?? null,
            };
          }),
        );
        expect(charts.map((chart) => chart.name)).toEqual(['hit-rate-by-week', 'mae-by-week', 'calibration', 'volume']);
        for (const chart of charts) {
          expect(chart.marks, chart.name!).toBeGreaterThan(3);
          expect(chart.ticks, chart.name!).toBeGreaterThan(6);
          expect(chart.smallestLabelPx, chart.name!).toBeGreaterThanOrEqual(14);
        }
        expect(charts.filter((chart) => chart.reference).map((chart) => [chart.name, chart.reference])).toEqual([
          ['hit-rate-by-week', 'break-even 52.4% (at -110)'],
          ['calibration', 'break-even 52.4% (at -110)'],
        ]);
        expect(BREAK_EVEN).toBeCloseTo(0.5238, 4);
        expect(
          await page.$$eval('table[data-table="systems"] tbody tr', (rows) =>
            rows.map((row) => row.firstElementChild!.textContent),
          ),
        ).toEqual(['catboost_v8', 'moving_average']);
        expect(problems).toEqual([]);
        expect(await page.$$eval('figure.chart', marksOutsidePlots)).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it.skipIf(!existsSync(CHROMIUM) && !required)(
    'draws every mark of the season view inside its plot, whichever weekday the range starts on, with week ticks',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
      mkdirSync(SCREENS, { recursive: true });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        // 2024-11-04 is a Monday: ranges starting Monday to Sunday, the last three the ones that drew outside.
        for (let weekday = 0; weekday < 7; weekday += 1) {
          const from = new Date(Date.UTC(2024, 10, 4 + weekday)).toISOString().slice(0, 10);
          const file = join(mkdtempSync(join(tmpdir(), 'props-season-')), 'season.html');
          writeFileSync(file, renderSeasonReport(exampleSeason(from, 30), '2025-04-14T08:00:00.000Z'));
          await page.goto(`file://${file}`);
          expect([from, await page.$$eval('figure.chart', marksOutsidePlots)]).toEqual([from, []]);
          // Week ticks: a tick at each Monday of the range, weeks told apart.
          const ticks = await page.$$eval('figure[data-chart="hit-rate-by-week"] text.tick', (texts) =>
            texts.map((text) => text.textContent),
          );
          expect(ticks, from).toEqual(expect.arrayContaining(['Nov 4', 'Nov 11', 'Nov 18', 'Nov 25']));
          await page.screenshot({ path: join(SCREENS, `season-from-${from}.png`), fullPage: true });
        }
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});

/** Eight weeks of two systems' daily sums from `from`, with calibration buckets. */
function exampleSeason(from = '2024-11-01', length = 56): SeasonView {
  const days: SeasonView['days'] = [];
  const start = Date.parse(`${from}T00:00:00Z`);
  for (let offset = 0; offset < length; offset += 1) {
    const gameDate = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
    for (const [systemId, skill] of [
      ['catboost_v8', 0.55],
      ['moving_average', 0.5],
    ] as const) {
      const wins = Math.round(20 * (skill + ((offset % 7) - 3) / 50));
      days.push({
        gameDate,
        systemId,
        graded: 120,
        played: 110,
        picks: 40,
        wins,
        losses: 40 - wins,
        absoluteErrorSum: 110 * (6 + (offset % 5) / 10),
      });
    }
  }
  const calibration = ['catboost_v8', 'moving_average'].flatMap((systemId) =>
    Array.from({ length: 6 }, (_, index) => ({
      systemId,
      decile: index + 5,
      picks: 60,
      wins: 28 + index * 2,
      losses: 32 - index * 2,
    })),
  );
  return { from, to: days.at(-1)!.gameDate, days, calibration };
}

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gradePrediction, summarizeBySystem } from '@props/grading';
import { renderReport, type ReportInput } from './report-html';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.PROPS_REQUIRE_CHROMIUM === 'true';
if (!existsSync(CHROMIUM) && !required) console.log(`report Chromium test skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

function exampleReport(): ReportInput {
  let seed = 3;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const rows = Array.from({ length: 60 }, (_, index) => {
    const line = 8.5 + Math.floor(random() * 20);
    const predicted = Math.round((line + (random() - 0.5) * 8) * 10) / 10;
    const actual = Math.max(0, Math.round(line + (random() - 0.5) * 16));
    return gradePrediction(
      { playerLookup: `player${index % 20}`, gameId: 'g', systemId: ['catboost_v8', 'xgboost_v1', 'moving_average'][index % 3]!, modelVersion: 'v', predictedPoints: predicted, confidenceScore: 0.5 + random() * 0.45, recommendation: predicted > line ? 'OVER' : 'UNDER', line, hasPropLine: true, lineSource: 'ACTUAL_PROP', estimatedLineValue: null, isActionable: true, filterReason: null, paceAdjustment: null, similarGamesCount: null, injuryStatus: null, injuryFlag: null },
      index === 7 ? { points: 0, minutes: null, teamAbbr: 'LAL', opponentTeamAbbr: 'BOS' } : { points: actual, minutes: 28, teamAbbr: 'LAL', opponentTeamAbbr: 'BOS' },
    );
  });
  return {
    gameDate: '2025-03-15',
    generatedAt: '2025-03-16T08:00:00.000Z',
    batch: { batchId: 'batch_2025-03-15_1_abc', playersExpected: 20, playersCompleted: 20, rowsMerged: 60, loadPath: 'one_query', consolidatedAt: '2025-03-15 18:00:00+00' },
    systems: summarizeBySystem(rows),
    rows,
  };
}

describe('props report page', () => {
  it('is one self-contained file: no script, no external resource', () => {
    const html = renderReport(exampleReport());
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(4);
  });

  it.skipIf(!existsSync(CHROMIUM) && !required)('renders in headless Chromium without console errors and shows every chart with marks', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'props-report-')), 'report.html');
    writeFileSync(file, renderReport(exampleReport()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
          return { name: figure.getAttribute('data-chart'), marks: svg.querySelectorAll('.mark').length, width: box.width, height: box.height };
        }),
      );
      expect(charts.map((chart) => chart.name)).toEqual(['hit-rate', 'mae', 'predicted-vs-actual', 'confidence']);
      for (const chart of charts) {
        expect(chart.marks, chart.name!).toBeGreaterThan(0);
        expect(chart.width, chart.name!).toBeGreaterThan(100);
        expect(chart.height, chart.name!).toBeGreaterThan(100);
      }
      expect(await page.$$eval('table[data-table="misses"] tbody tr', (rows) => rows.length)).toBe(10);
      expect(await page.title()).toBe('Predictions of 2025-03-15: grading report');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

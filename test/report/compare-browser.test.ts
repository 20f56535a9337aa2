// The comparison section of report.html in a real headless Chromium: the page opens from disk with
// no console errors and no network, the section and its charts are laid out (non-zero size), and a
// screenshot is saved to test-artifacts/. Skipped, with the reason, when Chromium is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { encodeTable } from '../../src/index.js';
import { loadReportClient, writeReport } from '../../src/adapters/report.js';
import { comparedReport } from '../compare/report-data.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (install Debian's chromium package to run the browser tests)`;

describe('the comparison section in headless Chromium', { skip }, () => {
  let browser: Browser;
  const file = join(ARTIFACTS, 'report-compare.html');
  const { table, insights, options } = comparedReport();

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const clientScript = await loadReportClient({ fresh: true });
    await writeReport(file, { insights, data: encodeTable(table, { options }), clientScript, title: 'Loan approvals — v1 vs v2' });
  });

  after(async () => {
    await browser?.close();
  });

  test('renders with no console errors or requests, its charts laid out, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#cohort-result[data-state="ready"]', { state: 'attached' });
    const section = page.locator('#comparison');
    assert.equal(await section.isVisible(), true);
    await page.click('a[href="#comparison"]');
    const c = insights.comparison!;
    // One chart per shown metric (accuracy, FPR, FNR, selection rate, ROC AUC) and the BTC/BEC chart, each drawn with a size.
    const charts = await section.locator('svg.bar-chart').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
    assert.equal(charts.length, 6);
    for (const [w, h] of charts) assert.ok(w > 100 && h > 100, `chart ${w}×${h}`);
    const bars = await section.locator('svg.bar-chart').first().locator('rect.bar').count();
    assert.equal(bars, c.models.length * (1 + c.cohorts.length + c.groups.length));
    assert.match(await section.innerText(), /Where the regressions are/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'hostile group name did not run');
    await section.screenshot({ path: join(ARTIFACTS, 'report-compare.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});

// The error analysis and explanation sections of a report made by `candor assess --errors --explain`
// in a real headless Chromium: one click (or Tab and Enter) on an error-tree node, a worst cohort or
// an explained cohort fills the explorer with that cohort's expression and computes it, with the
// node's own rows and error rate; the explanation charts are laid out; no console errors, no
// network. Screenshots go to test-artifacts/. Skipped, with the reason, when Chromium is absent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { readTable } from '../../src/adapters/io/index.js';
import { loadReportClient, writeReport } from '../../src/adapters/report.js';
import { resolveAssessArgs, scoreWithModel } from '../../src/cli/assess.js';
import type { Explanations } from '../../src/explain/schema.js';
import { encodeTable } from '../../src/report/embed.js';
import type { Insights } from '../../src/report/insights.js';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (install Debian's chromium package to run the browser tests)`;

const fixtures = join(ROOT, 'test', 'fixtures', 'xgboost');
const model = join(fixtures, 'binary.model.json');

interface Explorer {
  runs: number;
  last?: { expression: string; ok: boolean; count?: number; metrics?: Record<string, number | null> };
}

/** Clicks (or presses Enter on) a link and waits for the explorer to finish the run it starts. */
async function activate(page: Page, how: () => Promise<void>): Promise<Explorer['last']> {
  const runs = await page.evaluate(() => (window as unknown as { candorExplorer: Explorer }).candorExplorer.runs);
  await how();
  await page.waitForFunction((n) => (window as unknown as { candorExplorer: Explorer }).candorExplorer.runs > n, runs);
  return page.evaluate(() => (window as unknown as { candorExplorer: Explorer }).candorExplorer.last);
}

describe('error analysis and explanations in headless Chromium', { skip }, () => {
  let browser: Browser;
  let insights: Insights;
  const file = join(ARTIFACTS, 'report-explanations.html');

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = tempDir();
    const fixture = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][]; predictions: number[] };
    const csv = join(dir, 'binary.csv');
    writeFileSync(
      csv,
      [
        [...fixture.features, 'label'].join(','),
        ...fixture.rows.map((r, i) => [...r.map((x) => (x === null ? '' : String(x))), String(Number(fixture.predictions[i] > 0.5) ^ Number(i % 5 === 0))].join(',')),
      ].join('\n'),
    );
    // The insights come from the CLI; the report is rendered again here with the current page script
    // (the CLI may embed a built, older one) and the rows the CLI embeds: the data scored by the model.
    const argv = [csv, '--label', 'label', '--model', model, '--errors', '--explain', '--cohort', 'old=age > 50', '--bootstrap', '0'];
    const r = candor(['assess', ...argv, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    insights = JSON.parse(readFileSync(join(dir, 'insights.json'), 'utf8')) as Insights;
    const args = await resolveAssessArgs(argv);
    const { table } = await readTable(csv);
    const scored = await scoreWithModel(table, args.model!, args.options);
    const { onProgress: _p, ...options } = scored.options;
    await writeReport(file, { insights, data: encodeTable(scored.table, { options }), clientScript: await loadReportClient({ fresh: true }), title: 'Explanations — XGBoost fixture' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
  });

  test('a tree node, a worst cohort and an explained cohort each become the explorer cohort in one action', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (q) => {
      if (!q.url().startsWith('file:') && !q.url().startsWith('data:')) problems.push(`request: ${q.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#cohort-result[data-state="ready"]', { state: 'attached' });

    // Click node #1 of the drawn tree: the explorer shows its expression, rows and 1 − error rate as accuracy.
    const nodes = insights.errorAnalysis!.tree.nodes;
    const node = nodes[1];
    const link = page.locator('#errors svg a.to-cohort').nth(1);
    assert.equal(await link.getAttribute('data-expr'), node.expression);
    const clicked = await activate(page, () => link.click());
    assert.equal(clicked?.expression, node.expression);
    assert.equal(clicked?.count, node.rows);
    assert.ok(Math.abs((clicked?.metrics?.accuracy as number) - (1 - (node.errorRate as number))) < 1e-12, `accuracy ${clicked?.metrics?.accuracy} vs 1 − ${node.errorRate}`);
    assert.equal(await page.inputValue('#cohort-input'), node.expression);
    assert.equal(await page.locator('#cohort-result .cohort-card h3 code').innerText(), node.expression);
    assert.match(await page.locator('#cohort-result').innerText(), new RegExp(`${node.rows}\\s+of\\s+300 rows match`));
    await page.locator('#explore').screenshot({ path: join(ARTIFACTS, 'report-explanations-explorer.png') });

    // Keyboard: focus the second worst cohort's link in its table and press Enter.
    const worst = insights.errorAnalysis!.worstCohorts!.cohorts[1];
    const row = page.locator('#errors [aria-label="Worst cohorts"] a.to-cohort').nth(1);
  assert.equal(await row.getAttribute('data-expr'), worst.expression);
    const pressed = await activate(page, async () => {
      await row.focus();
      await page.keyboard.press('Enter');
    });
    assert.equal(pressed?.expression, worst.expression);
    assert.equal(pressed?.count, worst.rows);
    assert.ok(Math.abs((pressed?.metrics?.accuracy as number) - (1 - (worst.errorRate as number))) < 1e-12);

    // The named cohort's header in the per-cohort importance table.
    const old = await activate(page, () => page.locator('#explanations table.cohort-importance thead a.to-cohort', { hasText: 'old' }).click());
    assert.equal(old?.expression, 'age > 50');
    const e = insights.explanations as Explanations;
    assert.equal(old?.count, e.cohorts!.cohorts.find((c) => c.name === 'old')!.rows);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the explanation section draws importance bars with spread, the cohort table and dependence plots with ICE curves', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.goto(pathToFileURL(file).href);
    const e = insights.explanations as Explanations;
    const section = page.locator('#explanations');
    assert.equal(await section.isVisible(), true);
    assert.equal(await page.locator('nav a[href="#explanations"], .toc a[href="#explanations"]').count(), 1);
    const F = e.shap!.features.length;
    const sizes = await section.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
    assert.equal(sizes.length, 2 + e.dependence!.length, 'two importance charts and one per dependence plot');
    for (const [w, h] of sizes) assert.ok(w > 200 && h > 100, `chart ${w}×${h}`);
    assert.equal(await section.locator('svg.importance-chart').first().locator('rect.imp-bar').count(), F);
    // Permutation importance: a whisker (mean ± sd) and a dot per repeat for every feature.
    const perm = section.locator('svg.importance-chart').nth(1);
    assert.equal(await perm.locator('path.whisker').count(), F);
    assert.equal(await perm.locator('circle.repeat').count(), F * e.permutation!.repeats);
    assert.equal(await section.locator('table.cohort-importance tbody tr').count(), F);
    const first = section.locator('svg.dependence-chart').first();
    assert.equal(await first.locator('path.ice').count(), e.dependence![0].ice!.curves.length);
    assert.equal(await first.locator('path.pd').count(), 1);
    // ICE curves are drawn faintly: their computed stroke opacity is well below the average's.
    const [ice, pd] = await Promise.all([first.locator('path.ice').first(), first.locator('path.pd')].map((l) => l.evaluate((el) => Number(getComputedStyle(el).strokeOpacity))));
    assert.ok(ice < 0.3 && pd === 1, `ice ${ice}, pd ${pd}`);
    await page.evaluate(() => document.querySelector('.toc')?.remove());
    await section.screenshot({ path: join(ARTIFACTS, 'report-explanations.png') });
    await page.locator('#errors').screenshot({ path: join(ARTIFACTS, 'report-error-analysis.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});

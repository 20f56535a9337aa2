// The report in a real headless Chromium: it opens from disk with no console errors and no network,
// the cohort explorer recomputes metrics that equal assess() run in Node on the same rows, and a bad
// expression shows the parser's message. Skipped, with the reason, when Chromium is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { assess, type AssessOptions, evaluateMask, parseExpression, type Table } from '../../src/index.js';
import { decodeTable, encodeTable, hasGroup, type EncodedTable } from '../../src/report/index.js';
import { loadReportClient, writeReport } from '../../src/adapters/report.js';
import { makeRows } from './data.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (install Debian's chromium package to run the browser tests)`;

const OPTIONS: AssessOptions = {
  label: 'repaid',
  score: 'score',
  sensitive: [['sex'], ['region']],
  reference: { sex: 'Male' },
  cohorts: [{ name: 'seniors', expression: 'age > 60' }, { name: 'young women', expression: "age < 30 and sex = 'Female'" }],
  bootstrap: 100,
  seed: 3,
};

/** What the page computes: assess on the rows of the cohort, with the explorer's settings. */
function nodeCohort(table: Table, expression: string, bootstrap = 0) {
  const mask = evaluateMask(parseExpression(expression), table);
  const rows = table.filter(mask);
  const { cohorts: _cohorts, ...rest } = OPTIONS;
  // A reference group absent from the cohort is dropped, as the explorer does; overall metrics do not depend on it.
  const reference = Object.fromEntries(Object.entries(rest.reference ?? {}).filter(([by, value]) => hasGroup(rows, by.split(','), value.split(' | '))));
  // The positive class of the full run (1), written as a condition so a cohort without positives keeps it.
  const result = assess(rows, { ...rest, label: 'repaid = 1', reference, bootstrap, curves: false });
  return { count: mask.count(), metrics: result.overall, result };
}

function nodeCohortMetrics(table: Table, expression: string, bootstrap = 0) {
  const { count, metrics } = nodeCohort(table, expression, bootstrap);
  return { count, metrics };
}

interface PageProblems {
  console: string[];
  failed: string[];
  external: string[];
}

async function open(browser: Browser, file: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: PageProblems = { console: [], failed: [], external: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.external.push(r.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#cohort-result[data-state="ready"]', { state: 'attached' });
  return { page, problems };
}

async function explore(page: Page, expression: string): Promise<void> {
  const runs = await page.evaluate(() => (window as unknown as { candorExplorer: { runs: number } }).candorExplorer.runs);
  await page.fill('#cohort-input', expression);
  await page.press('#cohort-input', 'Enter');
  await page.waitForFunction((n) => (window as unknown as { candorExplorer: { runs: number } }).candorExplorer.runs > n, runs);
}

async function pageMetrics(page: Page): Promise<{ count: number; metrics: Record<string, number | null> }> {
  return page.evaluate(() => {
    const card = document.querySelector('#cohort-result .cohort-card') as HTMLElement;
    const metrics: Record<string, number | null> = {};
    for (const el of Array.from(card.querySelectorAll<HTMLElement>('.overall-metrics [data-metric]'))) {
      metrics[el.dataset.metric!] = el.dataset.value === 'null' ? null : Number(el.dataset.value);
    }
    return { count: Number(card.dataset.count), metrics };
  });
}

function assertSameMetrics(actual: Record<string, number | null>, expected: Record<string, number | null>): void {
  const keys = Object.keys(expected);
  assert.deepEqual(Object.keys(actual).sort(), keys.sort());
  for (const k of keys) {
    const a = actual[k];
    const e = expected[k];
    if (e === null) assert.equal(a, null, k);
    else assert.ok(a !== null && Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${k}: page ${a}, node ${e}`);
  }
}

describe('report.html in headless Chromium', { skip }, () => {
  let browser: Browser;
  let table: Table;
  const file = join(ARTIFACTS, 'report.html');
  const sampledFile = join(ARTIFACTS, 'report-sampled.html');

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    table = makeRows(3000, 11);
    // Test the current sources, not a possibly stale dist/ bundle.
    const clientScript = await loadReportClient({ fresh: true });
    const insights = assess(table, OPTIONS);
    await writeReport(file, { insights: { ...insights, source: { file: 'test/loans.csv', rowsRead: table.rowCount } }, data: encodeTable(table, { options: OPTIONS }), clientScript, title: 'Loan approvals — model v3' });
    await writeReport(sampledFile, { insights, data: encodeTable(table, { maxRows: 1000, options: OPTIONS }), clientScript });
  });

  after(async () => {
    await browser?.close();
  });

  test('opens from disk with no console errors and no network requests', async () => {
    const { page, problems } = await open(browser, file);
    assert.equal(await page.title(), 'Loan approvals — model v3');
    assert.equal(await page.locator('section.grouping').count(), 2);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'hostile category did not run');
    assert.deepEqual(problems, { console: [], failed: [], external: [] });
    await page.close();
  });

  test('a typed cohort is recomputed in the page exactly as assess() computes it in Node', async () => {
    const { page, problems } = await open(browser, file);
    const expression = "age > 50 and sex = 'Female'";
    await page.focus('#cohort-input');
    await page.keyboard.type(expression);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cohort-result[data-state="done"]');
    const got = await pageMetrics(page);
    const want = nodeCohortMetrics(table, expression);
    assert.equal(got.count, want.count);
    assert.ok(got.count > 100 && got.count < table.rowCount);
    assertSameMetrics(got.metrics, want.metrics);
    // The cohort has no men, so the reference group for sex cannot apply: the page says so.
    assert.match(await page.locator('#cohort-result').innerText(), /reference group sex = Male has no rows in this cohort/);
    // The per-group tables of the cohort are rendered too, hostile names escaped.
    assert.equal(await page.locator('#cohort-result .cohort-card > .table-wrap > table.group-table').count(), 2);
    assert.match((await page.locator('#cohort-result').innerText()).replace(/\s+/g, ' '), /<img src=x onerror="window.__pwned=1">/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // And listed in the history, with all rows for comparison.
    assert.match(await page.locator('#cohort-history').innerText(), /All rows[\s\S]*age > 50 and sex = 'Female'/);
    assert.deepEqual(problems, { console: [], failed: [], external: [] });
    await page.close();
  });

  test('bootstrap intervals in the page match Node with the same seed', async () => {
    const { page } = await open(browser, file);
    await page.selectOption('#cohort-bootstrap', '200');
    await explore(page, 'income is null or age < 25');
    const ci = await page.evaluate(() =>
      Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('#cohort-result .overall-metrics .metric-list td[data-metric]')).map((td) => [td.dataset.metric!, td.querySelector('.ci')?.textContent ?? null])),
    );
    const node = nodeCohort(table, 'income is null or age < 25', 200).result;
    const expected: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(node.overall)) {
      const interval = node.overallCi?.[k];
      const counts = ['count', 'tp', 'fp', 'tn', 'fn'].includes(k);
      expected[k] = v === null || !interval ? null : counts ? `[${interval.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')}]` : `[${interval.map((x) => x.toFixed(3)).join(', ')}]`;
    }
    assert.ok(Object.keys(expected).length > 10);
    assert.deepEqual(Object.fromEntries(Object.entries(ci).map(([k, c]) => [k, c?.replace(/−/g, '-') ?? null])), expected);
    await page.close();
  });

  test('a bad expression shows the parser message inline, and an unknown column its suggestions', async () => {
    const { page, problems } = await open(browser, file);
    await explore(page, 'age > and');
    const error = page.locator('#cohort-error');
    assert.equal(await error.isVisible(), true);
    const message = await error.innerText();
    assert.match(message, /\^/, 'a caret under the problem');
    assert.match(message, /expected/i);
    assert.equal(await page.getAttribute('#cohort-input', 'aria-invalid'), 'true');
    await explore(page, 'agee > 3');
    assert.match(await error.innerText(), /agee[\s\S]*did you mean "age"/);
    // Fixing the expression clears the error.
    await explore(page, 'age > 3');
    assert.equal(await error.isVisible(), false);
    assert.equal(await page.getAttribute('#cohort-input', 'aria-invalid'), null);
    assert.deepEqual(problems, { console: [], failed: [], external: [] });
    await page.close();
  });

  test('an example button fills the box and runs it; an empty cohort says so', async () => {
    const { page } = await open(browser, file);
    const example = page.locator('#cohort-help button.example').first();
    const expr = (await example.getAttribute('data-expr'))!;
    await example.click();
    await page.waitForSelector('#cohort-result[data-state="done"]');
    assert.equal(await page.inputValue('#cohort-input'), expr);
    assert.equal((await pageMetrics(page)).count, nodeCohortMetrics(table, expr).count);
    await explore(page, 'age > 1000');
    assert.match(await page.locator('#cohort-result').innerText(), /No rows match/);
    // A cohort with no positives keeps the report's positive class: rates over positives are undefined, not flipped.
    await explore(page, 'repaid = 0');
    const negatives = await pageMetrics(page);
    assert.equal(negatives.metrics.true_positive_rate, null);
    assertSameMetrics(negatives.metrics, nodeCohortMetrics(table, 'repaid = 0').metrics);
    assert.equal(await page.locator('#cohort-error').isVisible(), false);
    await page.close();
  });

  test('a sampled report states the sample and recomputes on the sampled rows', async () => {
    const { page, problems } = await open(browser, sampledFile);
    assert.match(await page.locator('#sample-note').innerText(), /random sample of 1,000 of the 3,000 rows \(33\.3%, seed 3\)/);
    await explore(page, "sex = 'Male'");
    const got = await pageMetrics(page);
    const html = await page.locator('#candor-data').textContent();
    const sample = decodeTable(JSON.parse(html!) as EncodedTable);
    const want = nodeCohortMetrics(sample, "sex = 'Male'");
    assert.equal(got.count, want.count);
    assertSameMetrics(got.metrics, want.metrics);
    assert.deepEqual(problems, { console: [], failed: [], external: [] });
    await page.close();
  });

  test('is keyboard reachable and saves a full-page screenshot', async () => {
    const { page } = await open(browser, file);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the report');
    await explore(page, "age > 60 and region in ('North', 'East')");
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#explore-form').isVisible(), false, 'print hides the form');
    await page.close();
  });
});

// The dashboard end to end in a real headless Chromium: `candor serve` on the demo's data and
// model (as a user runs it), every view opened with no console errors and a screenshot of each in
// test-artifacts/dashboard/; a cohort built in the builder has the metrics `candor assess --where`
// prints; moving the threshold changes the rates (to the CLI's at the new threshold); clicking an
// error-tree node makes it the cohort; editing a row in what-if gets the model's prediction for it;
// the exported file opens from disk and recomputes a cohort; without Web Workers the page computes
// on its main thread and says so. Skipped, with the reason, when Chromium is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Table } from '../../src/index.js';
import { loadModel } from '../../src/adapters/load-model.js';
import { readTable } from '../../src/adapters/io/index.js';
import { startDashboard } from '../../src/server/index.js';
import { ensureDashboardBuilt } from '../../scripts/build-dashboard.mjs';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (install Debian's chromium package to run the browser tests)`;
const SENSITIVE = ['--sensitive', 'sex', '--sensitive', 'ethnicity', '--sensitive', 'sex,ethnicity', '--reference', 'sex=Male'];

interface Problems {
  console: string[];
  failed: string[];
  external: string[];
}

type Metrics = Record<string, number | null>;

/** The CLI (built, or from source with CANDOR_SOURCE=1) as a long-running process. */
function candorProcess(args: string[]): ChildProcess {
  const entry = process.env.CANDOR_SOURCE ? ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts', 'dev.mjs')] : [join(ROOT, 'bin', 'candor.js')];
  return spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts `candor serve` and resolves with the URL it prints. */
function serve(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = candorProcess(['serve', ...args]);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`candor serve printed no URL in 120 s\n${out}\n${err}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Candor dashboard: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`candor serve exited with ${code}\n${out}\n${err}`));
    });
  });
}

/** `candor assess --json` on the demo's data, scored by its model, with the prediction `model_score >= threshold`. */
function assessCli(dir: string, where: string | null, threshold: number, extra: string[] = ['--bootstrap', '0']) {
  const r = candor(['assess', join(dir, 'loans.csv'), '--label', 'repaid', '--model', join(dir, 'model.onnx'), '--pred', `model_score >= ${threshold}`, ...SENSITIVE, ...(where ? ['--where', where] : []), ...extra, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { overall: Metrics; overallCi: Record<string, [number, number]>; groups: { by: string[]; key: Record<string, string>; metrics: Metrics }[] };
}

async function open(browser: Browser, url: string, init?: () => void): Promise<{ page: Page; problems: Problems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: Problems = { console: [], failed: [], external: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    const u = r.url();
    const local = u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:') || (url.startsWith('http') && u.startsWith(new URL(url).origin));
    if (!local) problems.external.push(u);
  });
  if (init) await page.addInitScript(init);
  await page.goto(url);
  await page.waitForSelector('[data-testid="overview"][data-state="ready"]', { timeout: 60_000 });
  return { page, problems };
}

/** Waits until the overview shows `cohort` (and `threshold`, when given) computed. */
async function overviewReady(page: Page, cohort: string, threshold?: number): Promise<void> {
  await page
    .waitForFunction(
      ([c, t]) => {
        const o = document.querySelector<HTMLElement>('[data-testid="overview"]');
        return !!o && o.dataset.state === 'ready' && o.dataset.cohort === c && (t === null || Number(o.dataset.threshold) === t);
      },
      [cohort, threshold ?? null] as const,
      { timeout: 60_000 },
    )
    .catch(async (e: Error) => {
      const shown = await page.evaluate(() => JSON.stringify({ ...document.querySelector<HTMLElement>('[data-testid="overview"]')?.dataset, picked: document.querySelector<HTMLSelectElement>('#global-cohort')?.value }));
      throw new Error(`the overview did not show ${JSON.stringify(cohort)} at ${threshold}: it shows ${shown} (${e.message})`);
    });
}

/** Every overall metric the overview shows (exact values from the data attributes). */
function pageOverall(page: Page): Promise<Metrics> {
  return page.evaluate(() => {
    const out: Record<string, number | null> = {};
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="all-metrics"] [data-metric]'))) out[el.dataset.metric!] = el.dataset.value === 'null' ? null : Number(el.dataset.value);
    return out;
  });
}

/** One group's metrics in the overview's table of a grouping. */
function pageGroup(page: Page, by: string, group: string): Promise<Metrics> {
  return page.evaluate(
    ([b, g]) => {
      const out: Record<string, number | null> = {};
      const row = document.querySelector(`[data-grouping="${b}"] tr[data-group="${g}"]`);
      for (const el of Array.from(row?.querySelectorAll<HTMLElement>('[data-metric]') ?? [])) out[el.dataset.metric!] = el.dataset.value === 'null' ? null : Number(el.dataset.value);
      return out;
    },
    [by, group] as const,
  );
}

function sameMetrics(actual: Metrics, expected: Metrics, what: string, keys = Object.keys(expected)): void {
  assert.ok(keys.length > 0, `${what}: nothing to compare`);
  for (const k of keys) {
    const a = actual[k];
    const e = expected[k];
    assert.ok(a !== undefined, `${what}: the page shows no ${k}`);
    if (e === null) assert.equal(a, null, `${what} ${k}`);
    else assert.ok(a !== null && Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what} ${k}: page ${a}, candor assess ${e}`);
  }
}

function assertClean(problems: Problems): void {
  assert.deepEqual(problems.console, [], 'console errors');
  assert.deepEqual(problems.failed, [], 'failed requests');
  assert.deepEqual(problems.external, [], 'requests outside the page’s origin');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

async function selectTab(page: Page, id: string): Promise<void> {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#tab-${id}[aria-selected="true"]`);
}

describe('the dashboard in headless Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;
  let server: { url: string; child: ChildProcess };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The page under test is the current source, built (dist/dashboard-app is rebuilt when stale).
    await ensureDashboardBuilt();
    dir = tempDir('candor-dashboard-');
    const demo = candor(['demo', '--out', dir, '--rows', '2000', '--seed', '7']);
    assert.equal(demo.code, 0, demo.stderr);
    server = await serve(['--config', join(dir, 'candor.yaml'), '--port', '0']);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    if (server?.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every view opens with no console errors, works from the keyboard, and is saved as a screenshot', async () => {
    const { page, problems } = await open(browser, server.url);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), 'worker', 'the engine runs in a Web Worker');
    assert.equal(await page.locator('#tab-mitigations, #tab-compare').count(), 0, 'no mitigation or comparison results: no such views');
    await page.waitForSelector('[data-testid="interval-note"][data-bootstrap="done"]', { timeout: 60_000 });
    await shot(page, 'overview');

    // Tabs are buttons in a tablist: arrow keys move between them.
    await page.focus('#tab-overview');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-fairness', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-fairness');
    await page.waitForSelector('[data-testid="fairness"][data-state="ready"]');
    assert.match((await page.textContent('[data-grouping="sex"] [data-testid$="-verdict"]')) ?? '', /outside the band/, 'the planted selection-rate gap between women and men fails the 0.8 band');
    await shot(page, 'fairness');

    await selectTab(page, 'cohorts');
    await page.waitForSelector('[data-testid="saved-cohorts"] li');
    await shot(page, 'cohorts');

    await selectTab(page, 'errors');
    await page.waitForSelector('[data-testid="tree-box"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="heatmap"] button.cell');
    await shot(page, 'errors');

    await selectTab(page, 'explorer');
    await page.waitForSelector('[data-testid="row-table"] [data-row]');
    await page.waitForSelector('[data-testid="histogram-chart"] canvas');
    await page.waitForSelector('[data-testid="scatter-chart"] canvas');
    const rendered = Number(await page.getAttribute('[data-testid="row-table"]', 'data-rendered'));
    const domRows = await page.locator('[data-testid="row-table"] [role="row"][data-row]').count();
    assert.ok(domRows <= rendered && rendered < 60, `only the rows in view are in the DOM (${domRows} of 2000)`);
    await page.locator('[data-testid="row-table"]').evaluate((el) => (el.scrollTop = 28 * 1500));
    await page.waitForSelector('[data-testid="row-table"] [data-row="1510"]');
    await shot(page, 'explorer');

    await selectTab(page, 'explanations');
    await page.click('[data-testid="compute-importance"]');
    await page.waitForSelector('[data-testid="importance-chart"] canvas', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="row-explanation"][data-state="ready"]', { timeout: 60_000 });
    await shot(page, 'explanations');

    await selectTab(page, 'whatif');
    await page.waitForSelector('[data-testid="whatif-prediction"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="nearest"] tbody tr');
    await shot(page, 'whatif');
    assertClean(problems);
    await page.close();
  });

  test('a cohort built in the builder has the metrics candor assess --where gives, intervals included', async () => {
    const { page, problems } = await open(browser, server.url);
    await selectTab(page, 'cohorts');
    await page.selectOption('[data-testid="cond-0-column"]', 'region');
    await page.selectOption('[data-testid="cond-0-op"]', '=');
    await page.fill('[data-testid="cond-0-value"]', 'South');
    await page.click('[data-testid="add-condition"]');
    await page.selectOption('[data-testid="cond-1-column"]', 'age');
    await page.selectOption('[data-testid="cond-1-op"]', '<');
    await page.fill('[data-testid="cond-1-value"]', '40');
    const expression = "region = 'South' and age < 40";
    await page.waitForFunction((e) => document.querySelector('[data-testid="built-expression"]')?.textContent === e, expression);
    await page.click('[data-testid="apply-built"]:not([disabled])');
    assert.equal(await page.textContent('[data-testid="cohort-expression"]'), expression);
    await selectTab(page, 'overview');
    await overviewReady(page, expression, 0.5);
    const cli = assessCli(dir, expression, 0.5);
    sameMetrics(await pageOverall(page), cli.overall, 'overall');
    for (const g of cli.groups.filter((x) => x.by.length === 1 && x.by[0] === 'sex')) sameMetrics(await pageGroup(page, 'sex', g.key.sex), cli.groups.find((x) => x === g)!.metrics, `sex = ${g.key.sex}`, ['count', 'selection_rate', 'accuracy', 'true_positive_rate', 'false_positive_rate', 'precision', 'roc_auc']);

    // The bootstrap intervals, once computed in the background, are the CLI's (same resamples and seed).
    await page.waitForSelector('[data-testid="interval-note"][data-bootstrap="done"]', { timeout: 120_000 });
    const { options } = (await (await fetch(new URL('api/manifest', server.url))).json()) as { options: { bootstrap: number; seed: number } };
    const boot = assessCli(dir, expression, 0.5, ['--bootstrap', String(options.bootstrap), '--seed', String(options.seed)]);
    const shown = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('[data-testid="all-metrics"] [data-ci]')).map((el) => [el.dataset.metric!, JSON.parse(el.dataset.ci!) as [number, number]])));
    assert.ok(Object.keys(shown).length > 5, 'intervals are shown');
    for (const [metric, ci] of Object.entries(shown)) assert.deepEqual(ci, boot.overallCi[metric], `${metric} interval`);
    await shot(page, 'overview-cohort');
    assertClean(problems);
    await page.close();
  });

  test('a typed expression with a mistake shows the parser’s message and where it is', async () => {
    const { page, problems } = await open(browser, server.url);
    await selectTab(page, 'cohorts');
    await page.fill('[data-testid="expression-input"]', 'age > 40 and (region = ');
    await page.waitForSelector('[data-testid="expression-status"][data-valid="false"]');
    assert.equal(await page.getAttribute('[data-testid="expression-status"]', 'data-position'), '23');
    assert.match((await page.textContent('[data-testid="expression-status"]')) ?? '', /syntax error at character 23: expected/);
    assert.equal(await page.getAttribute('[data-testid="expression-input"]', 'aria-invalid'), 'true');
    assert.ok(await page.isDisabled('[data-testid="apply-expression"]'));
    await page.fill('[data-testid="expression-input"]', 'agee > 40');
    await page.waitForFunction(() => /did you mean "age"/.test(document.querySelector('[data-testid="expression-status"]')?.textContent ?? ''));
    await shot(page, 'cohorts-error');
    assertClean(problems);
    await page.close();
  });

  test('moving the threshold slider changes the rates to the CLI’s at the new threshold', async () => {
    const { page, problems } = await open(browser, server.url);
    await overviewReady(page, '', 0.5);
    const before = await pageOverall(page);
    await page.focus('#threshold-slider');
    for (let k = 0; k < 20; k++) await page.keyboard.press('ArrowRight');
    await overviewReady(page, '', 0.7);
    const after = await pageOverall(page);
    assert.ok((after.selection_rate as number) < (before.selection_rate as number), `selection rate ${before.selection_rate} -> ${after.selection_rate}`);
    assert.equal(after.roc_auc, before.roc_auc, 'the ROC AUC does not depend on the threshold');
    sameMetrics(after, assessCli(dir, null, 0.7).overall, 'at threshold 0.7');
    await shot(page, 'overview-threshold');
    assertClean(problems);
    await page.close();
  });

  test('clicking an error-tree node makes it the cohort every view shows', async () => {
    const { page, problems } = await open(browser, server.url);
    await selectTab(page, 'errors');
    await page.waitForSelector('[data-testid="tree-box"][data-state="ready"]', { timeout: 60_000 });
    const node = page.locator('[data-node-id="1"]');
    const expression = (await node.getAttribute('data-expression'))!;
    const rows = Number(/: ([\d,]+) rows/.exec((await node.getAttribute('aria-label'))!)![1].replaceAll(',', ''));
    await node.locator('circle').click();
    assert.equal(await page.textContent('[data-testid="cohort-expression"]'), expression);
    assert.equal(await page.textContent('[data-testid="selected-node-expression"]'), expression);
    assert.equal(await node.getAttribute('aria-pressed'), 'true');
    await shot(page, 'errors-node');
    // A node is also a keyboard control; the tree stays the one grown before the click.
    const other = page.locator('[data-node-id="2"]');
    const second = (await other.getAttribute('data-expression'))!;
    await other.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.textContent('[data-testid="cohort-expression"]'), second);
    await node.focus();
    await page.keyboard.press(' ');
    assert.equal(await page.textContent('[data-testid="cohort-expression"]'), expression);
    // Every view now computes on the node's rows: the overview counts them, with the CLI's metrics.
    await selectTab(page, 'overview');
    await overviewReady(page, expression, 0.5);
    const shown = await pageOverall(page);
    assert.equal(shown.count, rows, 'the overview counts the node’s rows');
    sameMetrics(shown, assessCli(dir, expression, 0.5).overall, 'node 1');
    await selectTab(page, 'explorer');
    await page.waitForFunction((n) => document.querySelector('[data-testid="explorer-total"]')?.textContent?.startsWith(`${n.toLocaleString('en-US')} rows`), rows);
    assertClean(problems);
    await page.close();
  });

  test('editing a row in what-if gets the live model’s prediction for the edited row', async () => {
    const { page, problems } = await open(browser, server.url);
    await selectTab(page, 'whatif');
    await page.fill('[data-testid="whatif-row"]', '3');
    await page.waitForSelector('[data-testid="whatif-form"][data-row="3"]');
    const values = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.wf-form [data-testid^="whatif-"]')).map((el) => [el.id.replace('whatif-', ''), el.value])));
    // The same model, loaded here: its probability of the positive class for a row of the form's values.
    const model = await loadModel(join(dir, 'model.onnx'));
    const score = async (edits: Record<string, string>): Promise<number> => {
      const row: Record<string, (number | string | null)[]> = {};
      for (const input of model.inputs) {
        const v = edits[input.name] ?? values[input.name];
        row[input.name] = [v === '' ? null : input.type === 'numeric' ? Number(v) : v];
      }
      const p = await model.predict(Table.from(row));
      assert.ok(p.task === 'binary' && p.scores);
      return p.scores[p.classes.indexOf('1')][0];
    };
    const edits = { credit_score: '320', debt_ratio: '0.9', sex: values.sex === 'Female' ? 'Male' : 'Female', employment_years: '0' };
    const [before, after] = [await score({}), await score(edits)];
    assert.notEqual(before, after, 'the edits change the model’s output');
    const shows = (testId: string, v: number) =>
      page
        .waitForFunction(
          ([id, x]) => {
            const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
            return el?.dataset.state === 'ready' && Math.abs(Number(el.dataset.value) - x) < 1e-9;
          },
          [testId, v] as const,
          { timeout: 30_000 },
        )
        .catch(async () => assert.fail(`${testId}: the page shows ${await page.getAttribute(`[data-testid="${testId}"]`, 'data-value')}, the model gives ${v}`));
    await shows('whatif-prediction', before);
    await shows('whatif-original', before);
    await page.fill('[data-testid="whatif-credit_score"]', edits.credit_score);
    await page.fill('[data-testid="whatif-debt_ratio"]', edits.debt_ratio);
    await page.fill('[data-testid="whatif-employment_years"]', edits.employment_years);
    await page.selectOption('[data-testid="whatif-sex"]', edits.sex);
    // Predictions follow the edits (debounced): the one of the row with every edit arrives last.
    await shows('whatif-prediction', after);
    await shows('whatif-original', before);
    await page.waitForSelector('[data-testid="row-explanation"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="nearest"] tbody tr');
    await shot(page, 'whatif-edited');
    assertClean(problems);
    await page.close();
  });

  test('the exported file opens from disk, with no network, and recomputes a cohort', async () => {
    const file = join(dir, 'dashboard.html');
    const r = candor(['serve', '--config', join(dir, 'candor.yaml'), '--export', file]);
    assert.equal(r.code, 0, r.stderr);
    const { page, problems } = await open(browser, pathToFileURL(file).href);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), 'worker', 'the worker starts from a file:// page');
    await selectTab(page, 'cohorts');
    const expression = "income > 50 and region != 'North'";
    await page.fill('[data-testid="expression-input"]', expression);
    await page.waitForSelector('[data-testid="expression-status"][data-valid="true"]');
    await page.click('[data-testid="apply-expression"]');
    await selectTab(page, 'overview');
    await overviewReady(page, expression, 0.5);
    sameMetrics(await pageOverall(page), assessCli(dir, expression, 0.5).overall, 'exported page');
    await shot(page, 'exported-overview');
    await selectTab(page, 'whatif');
    await page.waitForSelector('[data-testid="needs-model"]');
    await page.waitForSelector('[data-testid="nearest"] tbody tr');
    await selectTab(page, 'explanations');
    await page.waitForSelector('[data-testid="needs-model"]');
    await shot(page, 'exported-explanations');
    assertClean(problems);
    await page.close();
  });

  test('without Web Workers the page computes on its main thread, says so, and gives the same numbers', async () => {
    const { page, problems } = await open(browser, server.url, () => {
      // A browser (or policy) without workers.
      Object.defineProperty(window, 'Worker', { value: undefined });
    });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), 'main-thread');
    assert.match((await page.textContent('[data-testid="engine-fallback"]')) ?? '', /main thread/);
    await page.selectOption('#global-cohort', { label: 'young_south' });
    await overviewReady(page, "region = 'South' and age < 30", 0.5);
    sameMetrics(await pageOverall(page), assessCli(dir, "region = 'South' and age < 30", 0.5).overall, 'main thread');
    assertClean(problems);
    await page.close();
  });

  test('the Mitigations and Compare views show the run’s results', async () => {
    const compared = candor(['compare', join(dir, 'loans.csv'), '--label', 'repaid', '--pred', 'old=approved', '--score', 'old=score', '--model', `new=${join(dir, 'model.onnx')}`, '--sensitive', 'sex', '--bootstrap', '50', '--out', join(dir, 'compare')]);
    assert.equal(compared.code, 0, compared.stderr);
    const mitigated = candor(['mitigate', 'postprocess', join(dir, 'loans.csv'), '--label', 'repaid', '--score', 'score', '--sensitive', 'sex', '--bootstrap', '50', '--out', join(dir, 'mitigation.json'), '--report', join(dir, 'mitigate')]);
    assert.equal(mitigated.code, 0, mitigated.stderr);
    const comparison = JSON.parse(readFileSync(join(dir, 'compare', 'insights.json'), 'utf8')) as { comparison: { baseline: string; models: { name: string }[]; overall: { metrics: Record<string, Record<string, number | null>> } } };
    const mitigations = (JSON.parse(readFileSync(join(dir, 'mitigate', 'insights.json'), 'utf8')) as { mitigations: { name: string; accuracyCost: { cost: number | null } }[] }).mitigations;
    assert.ok(comparison.comparison && mitigations.length > 0, 'the CLI wrote both results');
    const { table } = await readTable(join(dir, 'loans.csv'));
    const running = await startDashboard({ table, options: { label: 'repaid', score: 'score', sensitive: [['sex']], bootstrap: 0 }, insights: { ...comparison, mitigations }, source: 'loans.csv', port: 0 });
    try {
      const { page, problems } = await open(browser, running.url);
      await selectTab(page, 'compare');
      await page.selectOption('#compare-metric', 'accuracy');
      for (const m of comparison.comparison.models) {
        const shown = await page.getAttribute(`[data-testid="compare-table"] tbody tr:first-child td:nth-child(${3 + comparison.comparison.models.indexOf(m)}) [data-metric="accuracy"]`, 'data-value');
        assert.equal(Number(shown), comparison.comparison.overall.metrics[m.name].accuracy, `${m.name} accuracy`);
      }
      await shot(page, 'compare');
      await selectTab(page, 'mitigations');
      const cost = await page.getAttribute('[data-testid="mitigations"] [data-metric="accuracy_cost"]', 'data-value');
      assert.equal(cost === 'null' ? null : Number(cost), mitigations[0].accuracyCost.cost);
      await shot(page, 'mitigations');
      assertClean(problems);
      await page.close();
    } finally {
      await running.close();
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assess, Table, type AssessOptions } from '../../src/index.js';
import { encodeTable, Insights, renderReport } from '../../src/report/index.js';
import { makeRows } from './data.js';
import { HOSTILE, sampleInsights } from './fixtures.js';
import { matchSnapshot, normaliseHtml } from './snapshot.js';

const CLIENT = 'document.documentElement.dataset.client="ok";';

function tinyTable(): Table {
  return Table.from({
    age: [25, 34, 61, 70, 45, 52, 29, 66],
    sex: ['Female', 'Male', 'Female', 'Male', 'Female', 'Male', 'Female', 'Male'],
    repaid: [1, 0, 1, 1, 0, 1, 0, 1],
    score: [0.8, 0.3, 0.6, 0.9, 0.4, 0.7, 0.2, 0.55],
  });
}

function render(extra: Partial<Parameters<typeof renderReport>[0]> = {}): string {
  const data = encodeTable(tinyTable(), { options: { label: 'repaid', score: 'score', sensitive: [['sex']], seed: 7 } });
  return renderReport({ insights: sampleInsights(), data, clientScript: CLIENT, ...extra });
}

/** The text of an HTML fragment with tags removed and entities decoded (enough for assertions). */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

test('the fixture is a valid insights document', () => {
  assert.doesNotThrow(() => Insights.parse(sampleInsights()));
});

test('renderReport emits the sections in order, with a table of contents', () => {
  const html = render();
  const ids = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['overview', 'warnings', 'by-1-sex', 'by-2-race', 'cohorts', 'explore']);
  for (const id of ids) assert.ok(html.includes(`<a href="#${id}">`), `nav links to ${id}`);
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /<title>Model assessment — loans\.csv<\/title>/);
  for (const heading of ['Metrics per group', 'Fairness summary', 'Disparity against the reference group', 'Differences and ratios per metric', 'Curves', 'Metrics by threshold', 'ROC and precision–recall', 'Calibration']) {
    assert.ok(html.includes(`>${heading}</h`), heading);
  }
});

test('the header names the data, rows, task, columns, seed and generator, and no clock time', () => {
  const html = render();
  const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
  const t = text(header);
  for (const s of ['data/loans.csv', '1,000 of 1,012 read', 'binary', 'repaid', 'score', 'Seed7', 'candor 0.1.0', 'bootstrap, 200 resamples']) assert.ok(t.includes(s), `header mentions ${s}: ${t}`);
  assert.equal(render(), html, 'rendering is deterministic');
  assert.ok(!html.includes('generated-at'));
  const timed = render({ generatedAt: '2025-01-02T03:04:05Z' });
  assert.match(timed, /<time id="generated-at" datetime="2025-01-02T03:04:05Z">2025-01-02T03:04:05Z<\/time>/);
});

test('hostile group names are escaped everywhere and cannot close the data blocks', () => {
  const html = render();
  assert.ok(!html.includes(HOSTILE), 'raw hostile string absent');
  assert.ok(!/<img/i.test(html), 'no <img> element');
  assert.ok(html.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'), 'escaped in the body');
  // Exactly three script elements: two JSON data blocks and the client.
  assert.equal((html.match(/<script/gi) ?? []).length, 3);
  const json = html.slice(html.indexOf('id="candor-insights">') + 'id="candor-insights">'.length, html.indexOf('</script>', html.indexOf('id="candor-insights">')));
  assert.ok(!json.includes('<'), 'no < inside the JSON block');
  const { curves: _curves, ...withoutCurves } = sampleInsights();
  assert.deepEqual(JSON.parse(json), withoutCurves);
});

test('a client script containing </script> is neutralised and still hashed exactly', () => {
  const client = 'var s="</script><b>x</b>";';
  const html = renderReport({ insights: sampleInsights(), clientScript: client });
  const inline = html.slice(html.lastIndexOf('<script>') + 8, html.lastIndexOf('</script>'));
  assert.equal(inline, 'var s="<\\/script><b>x</b>";');
  const hash = createHash('sha256').update(inline, 'utf8').digest('base64');
  assert.ok(html.includes(`script-src 'sha256-${hash}'`));
});

test('the Content-Security-Policy allows only the inline script and style, by hash', () => {
  const html = render();
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
  assert.equal(csp, `default-src 'none'; script-src 'sha256-${sha(CLIENT)}'; style-src 'sha256-${sha(style)}'; img-src data:; base-uri 'none'; form-action 'none'`);
  assert.ok(!/ style="/.test(html), 'no style attributes (the CSP would block them)');
  assert.ok(!/ on[a-z]+="/i.test(html.replace(/&quot;/g, '')), 'no inline event handlers');
  assert.ok(!/(src|href)="https?:/i.test(html), 'nothing loads from the network');
});

test('metrics render with their intervals as "value [lower, upper]"', () => {
  const html = render();
  const cell = /<td class="num" data-metric="accuracy_score" data-value="0.8">([\s\S]*?)<\/td>/.exec(html);
  assert.ok(cell);
  assert.equal(text(cell[1]), '0.800 [0.769, 0.829]');
  assert.match(text(html), /Accuracy0\.81295% CI \[0\.788, 0\.836\]/);
});

test('null metrics render as an em dash with the reason in a tooltip and for screen readers', () => {
  const html = render();
  const cell = /<td class="num na" data-metric="true_positive_rate" data-value="null" title="([^"]*)">([\s\S]*?)<\/td>/.exec(html);
  assert.ok(cell, 'a null cell');
  assert.equal(cell[1], 'no positives (tp + fn = 0)');
  assert.equal(text(cell[2]), '—undefined: no positives (tp + fn = 0)');
  assert.ok(text(html).includes('ROC AUC is undefined for race = '));
});

test('warnings list dropped rows, small groups and undefined metrics', () => {
  const html = render();
  const warnings = text(html.slice(html.indexOf('<section id="warnings"'), html.indexOf('<section id="by-1-sex"')));
  assert.ok(warnings.includes('Rows left out 1'));
  assert.ok(warnings.includes('12 rows have a missing label and were left out'));
  assert.ok(warnings.includes('Small groups 1'));
  assert.ok(warnings.includes('has 24 rows (fewer than 30)'));
  assert.ok(warnings.includes('Undefined metrics 2'));
});

test('small groups are flagged and the reference group is marked in the group table', () => {
  const html = render();
  assert.match(html, /<tr class="small-group" data-group="&lt;script&gt;/);
  assert.match(html, /Male <span class="badge ref"/);
});

test('the disparity chart marks failing bars by colour, hatching and a cross, on a log axis', () => {
  const html = render();
  const start = html.indexOf('<svg class="chart disparity-chart"');
  const chart = html.slice(start, html.indexOf('</svg>', start));
  assert.ok(chart.includes('aria-labelledby="by-1-sex-disp-t by-1-sex-disp-d"'));
  assert.equal((chart.match(/class="bar bar-fail"[^>]*fill="url\(#by-1-sex-disp-hatch\)"/g) ?? []).length, 2);
  assert.equal((chart.match(/class="sym-fail"/g) ?? []).length, 2);
  assert.equal((chart.match(/class="sym-pass"/g) ?? []).length, 2);
  assert.ok(chart.includes('(log scale)'));
  assert.ok(chart.includes('class="band"'));
});

test('the worst disparities are highlighted and sorted first', () => {
  const html = render();
  const table = html.slice(html.indexOf('class="data disparity-table"'), html.indexOf('</table>', html.indexOf('class="data disparity-table"')));
  const metrics = [...table.matchAll(/<tr class="(worst)?"><th scope="row">(?:<span class="flag"[^>]*>▲<\/span> )?([^<]+)<\/th>/g)].map((m) => `${m[1] ? '!' : ''}${m[2]}`);
  assert.deepEqual(metrics, ['!ROC AUC', '!Precision', '!False positive rate', 'True positive rate', 'Selection rate', 'Accuracy']);
});

test('the explorer box has a labelled input and button and states when rows are a sample', () => {
  const html = render();
  assert.match(html, /<label for="cohort-input">Cohort expression<\/label>/);
  assert.match(html, /<button type="submit" id="cohort-run">Compute<\/button>/);
  assert.ok(html.includes('from all 8 rows embedded'));
  const n = 300;
  const big = Table.from({ x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => i % 2) });
  const sampled = renderReport({ insights: sampleInsights(), data: encodeTable(big, { maxRows: 100, options: { label: 'y', seed: 5 } }), clientScript: CLIENT });
  assert.ok(sampled.includes('a random sample of 100 of the 300 rows (33.3%, seed 5)'));
});

test('without embedded rows the explorer says why it is off', () => {
  const html = renderReport({ insights: sampleInsights(), clientScript: CLIENT });
  assert.ok(!html.includes('id="cohort-input"'));
  assert.ok(html.includes('written without its rows'));
  assert.ok(!html.includes('id="candor-data"'));
});

test('a document with no groups, cohorts, curves or warnings still renders every section', () => {
  const insights: Insights = { schemaVersion: 1, task: 'regression', rows: 0, overall: { mean_absolute_error: null }, overallReasons: { mean_absolute_error: 'no rows' }, groups: [], disparities: [], fairness: [], reference: [], cohorts: [] };
  const html = renderReport({ insights, clientScript: '' });
  assert.deepEqual([...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]), ['overview', 'warnings', 'cohorts', 'explore']);
  assert.ok(text(html).includes('Mean absolute error is undefined for all rows: no rows'));
});

test('renders a document made by assess: every group, metric and cohort, nothing undefined', () => {
  const table = makeRows(600, 2);
  const options: AssessOptions = { label: 'repaid', score: 'score', sensitive: [['sex'], ['region'], ['sex', 'region']], bootstrap: 20, seed: 1, cohorts: [{ name: 'older', expression: 'age > 60' }] };
  const insights = Insights.parse(assess(table, options));
  const html = renderReport({ insights, data: encodeTable(table, { options }), clientScript: '' });
  const body = text(html.slice(html.indexOf('<body>'), html.indexOf('<script type="application/json"')));
  // "undefined" as prose ("is undefined for", "undefined: no positives") is fine; as a stray value it is not.
  assert.ok(!/(?<!is )\bundefined\b(?!:| for)/.test(body), 'no stray "undefined"');
  for (const bad of ['NaN', '[object Object]']) assert.ok(!body.includes(bad), `no "${bad}" in the page`);
  assert.deepEqual([...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]), ['overview', 'warnings', 'by-1-sex', 'by-2-region', 'by-3-sex-region', 'cohorts', 'explore']);
  assert.ok(html.includes('>By sex × region</h2>'));
  // Every group has a row in its grouping's table, and every metric of every group is in "All metrics".
  for (const g of insights.groups) {
    const label = g.by.map((c) => g.key[c]).join(' | ');
    assert.ok(html.includes(`data-group="${label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`), label);
  }
  const metricCells = (html.match(/<td class="num[^"]*" data-metric="/g) ?? []).length;
  const perGroup = insights.groups.reduce((n, g) => n + Object.keys(g.metrics).filter((m) => m !== 'count').length, 0);
  assert.ok(metricCells >= perGroup, `${metricCells} metric cells for ${perGroup} group metrics`);
  assert.ok(body.includes('older') && body.includes('age > 60'));
  // Count metrics read as whole numbers.
  assert.match(html, /data-metric="tp" data-value="\d+"><span class="v">[\d,]+<\/span>/);
});

test('rendered report matches the snapshot', () => {
  matchSnapshot('report.html', normaliseHtml(render()));
});

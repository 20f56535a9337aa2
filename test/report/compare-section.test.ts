// The comparison section of report.html: grouped bars (one per model per cohort), differences whose
// marks agree with their intervals, BTC/BEC per cohort and the regression cohorts, all from the
// comparison document, escaped, and valid against the insights schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Insights, renderReport } from '../../src/index.js';
import { escapeHtml } from '../../src/report/escape.js';
import { comparedReport } from '../compare/report-data.js';
import { HOSTILE_REGION } from './data.js';

const { insights } = comparedReport();
const html = renderReport({ insights, clientScript: '' });
const start = html.indexOf('<section id="comparison"');
const section = html.slice(start, html.indexOf('</section>', start));
const c = insights.comparison!;

/** The SVG whose id prefix is `id`. */
function chart(id: string): string {
  const at = section.indexOf(`aria-labelledby="${id}-t `);
  assert.ok(at >= 0, `chart ${id}`);
  return section.slice(at, section.indexOf('</svg>', at));
}

test('the insights document with a comparison validates, and the report links a Comparison section', () => {
  const parsed = Insights.safeParse(JSON.parse(JSON.stringify(insights)));
  assert.ok(parsed.success, parsed.error?.message);
  assert.ok(start > 0);
  assert.match(html, /<a href="#comparison">Comparison<\/a>/);
  assert.equal(renderReport({ insights: { ...insights, comparison: undefined }, clientScript: '' }).includes('id="comparison"'), false, 'no section without a comparison');
});

test('grouped bars: one bar per model for every cohort and group, with the candidate\'s mark above its bar', () => {
  const scopes = [c.overall, ...c.cohorts, ...c.groups];
  for (const metric of ['accuracy', 'false_positive_rate', 'roc_auc']) {
    const svg = chart(`cmp-${metric.replace(/_/g, '-')}`);
    const defined = scopes.reduce((n, s) => n + c.models.filter((m) => s.metrics[m.name][metric] !== null).length, 0);
    assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, defined, metric);
    const marks = [...svg.matchAll(/<text class="bar-mark"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const want = scopes.flatMap((s) => (s.deltas.v2[metric]?.mark && s.metrics.v2[metric] !== null ? [{ up: '↑', down: '↓', same: '≈' }[s.deltas.v2[metric].mark!]] : []));
    assert.deepEqual(marks, want, metric);
  }
});

test('difference cells: the mark is ≈ exactly when the interval contains 0, and regressions are red, improvements green', () => {
  const cells = [...section.matchAll(/<td class="num( pass| fail)?" data-metric="([a-z_]+)" data-value="([^"]+)" data-mark="([a-z]*)"(?: data-interval="([^"]+)")?>/g)];
  assert.ok(cells.length > 40, `${cells.length} cells`);
  let coloured = 0;
  for (const [, cls, metric, value, mark, interval] of cells) {
    if (!interval) continue;
    const [lo, hi] = interval.split(',').map(Number);
    assert.equal(mark === 'same', lo <= 0 && 0 <= hi, `${metric} ${value}: ${mark} for [${lo}, ${hi}]`);
    assert.equal(mark, lo > 0 ? 'up' : hi < 0 ? 'down' : 'same');
    if (cls) {
      coloured++;
      assert.notEqual(mark, 'same');
      if (metric === 'accuracy') assert.equal(cls.trim(), mark === 'up' ? 'pass' : 'fail');
      if (metric === 'false_positive_rate') assert.equal(cls.trim(), mark === 'up' ? 'fail' : 'pass');
    }
  }
  assert.ok(coloured > 0);
});

test('BTC and BEC per cohort: bars with intervals and a table holding the document\'s values', () => {
  const svg = chart('cmp-compat');
  assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, c.compatibility.filter((x) => x.btc !== null).length + c.compatibility.filter((x) => x.bec !== null).length);
  for (const x of c.compatibility) {
    assert.ok(section.includes(`data-metric="btc" data-value="${x.btc}"`), `btc ${x.btc}`);
    assert.ok(section.includes(`data-metric="bec" data-value="${x.bec}"`), `bec ${x.bec}`);
  }
});

test('the regression cohorts are listed with their expressions, and hostile names stay text', () => {
  const r = c.regressions![0];
  assert.ok(r.cohorts.length > 0);
  assert.match(section, /Where the regressions are/);
  for (const x of r.cohorts) assert.ok(section.includes(`<code>${escapeHtml(x.expression)}</code>`), x.expression);
  assert.ok(!section.includes(HOSTILE_REGION));
  assert.ok(section.includes(escapeHtml(HOSTILE_REGION)));
  // No inline styles or handlers (the CSP forbids them): read every tag's attribute names (values are double-quoted and escaped).
  const names = [...section.matchAll(/<[a-zA-Z][^\s>/]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)].flatMap((t) => [...t[1].matchAll(/\s([^\s=>]+)(?:="[^"]*")?/g)].map((a) => a[1].toLowerCase()));
  assert.ok(names.length > 1000);
  assert.deepEqual(names.filter((n) => n === 'style' || n.startsWith('on')), []);
});

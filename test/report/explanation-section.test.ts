import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, Random, renderReport } from '../../src/index.js';
import { generateLoans } from '../../src/demo/loans.js';
import { Explanations } from '../../src/explain/schema.js';
import { renderExplanations } from '../../src/report/explanation-section.js';
import { Insights } from '../../src/report/insights.js';
import { matchSnapshot, normaliseHtml } from './snapshot.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

/** A hand-made explanations document: three features (one with a hostile name), two cohorts, a numeric and a categorical dependence plot. */
function explanations(): Explanations {
  return Explanations.parse({
    model: 'gbdt.onnx (binary)',
    rows: 1000,
    seed: 7,
    shap: { method: 'treeshap', space: 'margin', rows: 1000, sample: null, features: ['age', HOSTILE, 'region'], outputs: ['1'], expectedValue: [-0.4], meanAbs: [[0.6, 0.3, 0.1]] },
    permutation: {
      method: 'permutation',
      metric: 'roc_auc',
      higherIsBetter: true,
      baseline: 0.81,
      repeats: 3,
      seed: 7,
      rows: 1000,
      sample: null,
      features: [
        { name: 'age', mean: 0.05, std: 0.01, values: [0.04, 0.05, 0.06] },
        { name: HOSTILE, mean: 0.02, std: 0.005, values: [0.02, 0.015, 0.025] },
        { name: 'region', mean: -0.001, std: 0.002, values: [0.001, -0.003, -0.001] },
      ],
    },
    cohorts: {
      features: ['age', HOSTILE, 'region'],
      outputs: ['1'],
      overall: { rows: 1000, meanAbs: [[0.6, 0.3, 0.1]] },
      cohorts: [
        // region's share grows from 10% to 50%: the shift the table highlights.
        { name: 'worst #1', expression: "region = 'North'", source: 'worst', rows: 120, meanAbs: [[0.2, 0.2, 0.4]] },
        { name: HOSTILE, expression: 'age > 60', source: 'cohort', rows: 0, meanAbs: null, reason: 'no explained row is in the cohort' },
      ],
    },
    dependence: [
      { feature: 'age', kind: 'numeric', output: 'probability', class: '1', grid: [20, 40, 60], average: [0.2, 0.4, 0.5], rows: 1000, of: 1000, seed: 7, ice: { rows: 2, seed: 7, rowIndices: [3, 9], curves: [[0.1, 0.3, null], [0.3, 0.5, 0.6]] } },
      { feature: 'region', kind: 'categorical', output: 'probability', class: '1', grid: ['North', 'South'], average: [0.45, 0.3], rows: 1000, of: 1000, seed: 7, ice: null },
    ],
    notes: [`a note about ${HOSTILE}`],
  });
}

test('the explanation section draws every feature, whiskers and repeats, cohorts side by side and dependence plots, escaped and without style attributes', () => {
  const html = renderExplanations(explanations());
  assert.ok(!/\sstyle=/.test(html), 'no style attribute (the CSP forbids them)');
  assert.ok(!html.includes(HOSTILE), 'hostile names are escaped');
  assert.ok(html.includes('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'));
  assert.ok(!/NaN|undefined/.test(html));
  const shap = html.slice(html.indexOf('id="expl-shap-t"'), html.indexOf('</svg>', html.indexOf('id="expl-shap-t"')));
  assert.equal((shap.match(/class="imp-bar shap"/g) ?? []).length, 3);
  const perm = html.slice(html.indexOf('id="expl-perm-t"'), html.indexOf('</svg>', html.indexOf('id="expl-perm-t"')));
  assert.equal((perm.match(/class="whisker"/g) ?? []).length, 3);
  assert.equal((perm.match(/class="repeat"/g) ?? []).length, 9);
  // A negative importance (shuffling helped) goes left of zero: its bar ends at the zero line.
  const zero = Number(/class="zero" x1="([\d.]+)"/.exec(perm)![1]);
  const bars = [...perm.matchAll(/<rect class="imp-bar perm" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(bars.length, 3);
  assert.ok(Math.abs(bars[0][0] - zero) < 0.11, 'a positive bar starts at zero');
  assert.ok(Math.abs(bars[2][0] + bars[2][1] - zero) < 0.11 && bars[2][0] < zero, 'the negative bar ends at zero');

  // The cohort table: the region row of worst #1 is highlighted (its share grows most), the empty cohort says why.
  const table = html.slice(html.indexOf('<table class="data cohort-importance"'), html.indexOf('</table>', html.indexOf('cohort-importance')));
  const rows = table.split('<tr>').filter((r) => r.includes('<th scope="row">'));
  assert.deepEqual(
    rows.map((r) => /<th scope="row">([^<]*)<\/th>/.exec(r)![1]),
    ['age', '&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;', 'region'],
  );
  assert.equal((table.match(/class="num shift"/g) ?? []).length, 1);
  assert.match(rows[2], /class="num shift" data-value="0.4"/);
  assert.match(html, /region carries 50% of the attribution here against 10% on all rows\. Its most important feature is region, not age\./);
  assert.match(html, /no explained row is in the cohort/);
  assert.match(html, /<a class="to-cohort" href="#explore" data-expr="region = &#39;North&#39;"/);

  // Dependence: one faint curve per ICE row, a gap where a curve has no value, categories as dots without a line.
  const age = html.slice(html.indexOf('id="expl-dep-0-t"'), html.indexOf('</svg>', html.indexOf('id="expl-dep-0-t"')));
  const ice = [...age.matchAll(/<path class="ice" d="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(ice.length, 2);
  assert.equal((ice[0].match(/[ML]/g) ?? []).length, 2, 'the missing point is left out');
  assert.equal((ice[1].match(/[ML]/g) ?? []).length, 3);
  assert.equal((age.match(/class="pd"/g) ?? []).length, 1);
  const region = html.slice(html.indexOf('id="expl-dep-1-t"'), html.indexOf('</svg>', html.indexOf('id="expl-dep-1-t"')));
  assert.equal((region.match(/class="pd"/g) ?? []).length, 0);
  assert.equal((region.match(/class="pd-dot"/g) ?? []).length, 2);
  assert.match(region, />North</);
});

test('the report has an Explanations section and nav entry only when the insights have explanations, which the schema accepts', () => {
  const table = generateLoans(400, new Random(1));
  const insights = assess(table, { label: 'repaid', pred: 'score >= 0.5', bootstrap: 0, curves: false });
  const without = renderReport({ insights, clientScript: '' });
  assert.ok(!without.includes('id="explanations"'));
  assert.ok(!without.includes('href="#explanations"'));
  const withExplanations = Insights.parse({ ...insights, explanations: explanations() });
  const html = renderReport({ insights: withExplanations, clientScript: '' });
  assert.match(html, /<section id="explanations" class="section"/);
  assert.match(html, /href="#explanations"/);
  // The embedded copy of the insights leaves out the dependence curves (drawn already).
  const embedded = JSON.parse(/<script type="application\/json" id="candor-insights">([^<]*)<\/script>/.exec(html)![1]) as Insights;
  assert.equal(embedded.explanations?.dependence, undefined);
  assert.deepEqual(embedded.explanations?.shap, withExplanations.explanations?.shap);
});

test('the explanation section matches its snapshot', () => {
  matchSnapshot('explanation-section.html', normaliseHtml(renderExplanations(explanations())));
});

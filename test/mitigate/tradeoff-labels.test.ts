// The trade-off plot tells the points of a sweep apart: beside each marker, the part of its name
// that differs from the others ("eps 0.01"), not a truncated common prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBeforeAfter } from '../../src/mitigate/index.js';
import { renderMitigations, shortLabels, tradeoffChart } from '../../src/report/mitigation-section.js';
import { Random, Table } from '../../src/index.js';

test('shortLabels drops the words every name starts with, and keeps names apart', () => {
  const sweep = ['exponentiated gradient, demographic parity, eps 0.001', 'exponentiated gradient, demographic parity, eps 0.01', 'exponentiated gradient, demographic parity, eps 0.05'];
  assert.deepEqual(shortLabels(sweep), ['eps 0.001', 'eps 0.01', 'eps 0.05']);
  assert.deepEqual(shortLabels(['reweighing by sex', 'SMOTE to equal classes']), ['reweighing by sex', 'SMOTE to equal classes'], 'nothing in common');
  assert.deepEqual(shortLabels(['a, b', 'a, b']), ['b (#1)', 'b (#2)'], 'equal names are numbered');
  assert.deepEqual(shortLabels(['a, b', 'a, b, c']), ['b', 'b, c'], 'a name keeps at least its last part');
  assert.deepEqual(shortLabels(['only one, name']), ['only one, name']);
});

test('the plot labels each point of an eps sweep by its eps', () => {
  const random = new Random(2);
  const n = 600;
  const y = Array.from({ length: n }, () => (random.next() < 0.4 ? 1 : 0));
  const grp = Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b'));
  const s = y.map((v, i) => v * 0.3 + random.next() * 0.7 + (grp[i] === 'a' ? 0.1 : 0));
  const t = Table.from({ y, grp, before: s.map((v) => v > 0.5), p1: s.map((v) => v > 0.55), p2: s.map((v, i) => v > (grp[i] === 'a' ? 0.6 : 0.45)) });
  const entries = ['p1', 'p2'].map((p, k) => compareBeforeAfter(t, { label: 'y', sensitive: [['grp']], before: { pred: 'before' }, after: { pred: p }, name: `exponentiated gradient, demographic parity, eps 0.0${k + 1}`, method: 'exponentiated_gradient', bootstrap: 0 }));
  const chart = tradeoffChart(entries);
  const labels = [...chart.matchAll(/<text class="bar-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(labels.sort(), ['before (unmitigated)', 'eps 0.01', 'eps 0.02']);
  assert.match(chart, /<li><svg class="swatch"[^>]*>.*<\/svg> exponentiated gradient, demographic parity, eps 0\.01:/, 'the legend keeps the full name, with its marker');
});

test('a comparison inside a cohort is not a point of the trade-off plot: its rows differ', () => {
  const random = new Random(5);
  const n = 400;
  const y = Array.from({ length: n }, () => (random.next() < 0.4 ? 1 : 0));
  const age = Array.from({ length: n }, (_, i) => 20 + (i % 40));
  const grp = Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b'));
  const t = Table.from({ y, age, grp, before: y.map((v) => random.next() < (v ? 0.7 : 0.2)), after: y.map((v) => random.next() < (v ? 0.65 : 0.25)) });
  const options = { label: 'y', sensitive: [['grp']], before: { pred: 'before' }, after: { pred: 'after' }, method: 'reweigh', bootstrap: 0 };
  const whole = compareBeforeAfter(t, { ...options, name: 'reweighing by grp' });
  const inside = compareBeforeAfter(t, { ...options, name: 'reweighing by grp (inside the cohort)', where: 'age < 30' });
  assert.equal(inside.data.where, 'age < 30');
  assert.ok(!renderMitigations([whole, inside]).includes('scatter-chart'), 'one mitigation on the whole data and its cohort view: no trade-off');
  const other = compareBeforeAfter(t, { ...options, after: { pred: 'before' }, name: 'no change' });
  assert.ok(renderMitigations([whole, inside, other]).includes('scatter-chart'), 'two mitigations on the same rows: a trade-off');
  assert.match(renderMitigations([inside]), /\d+ rows \(evaluation rows where <code>age &lt; 30<\/code>\)/);
});

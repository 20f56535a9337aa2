// The before/after comparison: expected metrics of fractional decisions equal plain sums, the
// paired bootstrap of hard decisions agrees with a direct row bootstrap, identical predictions
// change nothing, the document validates, and the report draws the section and the trade-off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, percentileInterval, Random, Table } from '../../src/index.js';
import { Insights, renderReport } from '../../src/report/index.js';
import { compareBeforeAfter, MitigationResult } from '../../src/mitigate/index.js';
import { renderMitigations, tradeoffChart } from '../../src/report/mitigation-section.js';
import { assertClose } from '../helpers/assert-close.js';

/** Seeded rows: a label, a score, a group, and a probability of a positive decision per row. */
function rows(n: number, seed: number) {
  const random = new Random(seed);
  const y: number[] = [];
  const score: number[] = [];
  const sex: string[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = random.next() < 0.4;
    const label = random.next() < (f ? 0.2 : 0.35) ? 1 : 0;
    const s = 1 / (1 + Math.exp(-random.normal(label ? 1 : -1, 1) + (f ? 0.5 : 0)));
    y.push(label);
    score.push(s);
    sex.push(f ? 'F' : 'M');
    // A randomised rule: below, between and above two thresholds.
    p.push(s > 0.6 ? 1 : s > 0.4 ? (f ? 0.7 : 0.3) : 0);
  }
  return { table: Table.from({ y, score, sex, alt: score.map((s) => (s >= 0.45 ? 1 : 0)) }), y, score, sex, p: Float64Array.from(p) };
}

function sums(y: number[], p: ArrayLike<number>, include: (i: number) => boolean) {
  let n = 0;
  let sel = 0;
  let tp = 0;
  let pos = 0;
  let fp = 0;
  let acc = 0;
  for (let i = 0; i < y.length; i++) {
    if (!include(i)) continue;
    n++;
    sel += p[i];
    acc += y[i] ? p[i] : 1 - p[i];
    if (y[i]) {
      pos++;
      tp += p[i];
    } else fp += p[i];
  }
  return { count: n, selection_rate: sel / n, true_positive_rate: tp / pos, false_positive_rate: fp / (n - pos), accuracy: acc / n };
}

test('fractional "after" decisions: expected metrics overall and per group equal plain probability-weighted sums', () => {
  const d = rows(2000, 1);
  const r = compareBeforeAfter(d.table, { label: 'y', sensitive: [['sex']], before: { pred: 'score >= 0.5' }, after: { probability: d.p }, name: 'rule', method: 'test', bootstrap: 0 });
  assert.equal(r.expected, true);
  assert.equal(r.task, 'binary');
  const hard = d.score.map((s) => (s >= 0.5 ? 1 : 0));
  const scopes: [string, (i: number) => boolean, MitigationResult['overall']['metrics'], number][] = [
    ['overall', () => true, r.overall.metrics, r.overall.count],
    ...r.groups.map((g) => [g.key.sex, (i: number) => d.sex[i] === g.key.sex, g.metrics, g.count] as [string, (i: number) => boolean, MitigationResult['overall']['metrics'], number]),
  ];
  assert.equal(scopes.length, 3);
  for (const [name, include, metrics, count] of scopes) {
    const after = sums(d.y, d.p, include);
    const before = sums(d.y, hard, include);
    assert.equal(count, after.count);
    for (const id of ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'accuracy'] as const) {
      assertClose(metrics[id].after, after[id], `${name} ${id} after`, 1e-9);
      assertClose(metrics[id].before, before[id], `${name} ${id} before`, 1e-9);
      assertClose(metrics[id].delta.value, after[id] - before[id], `${name} ${id} change`, 1e-9);
    }
  }
  const selection = (p: ArrayLike<number>, g: string) => sums(d.y, p, (i) => d.sex[i] === g).selection_rate;
  const dp = r.disparities.find((x) => x.metric === 'demographic_parity_difference')!;
  assertClose(dp.after, Math.abs(selection(d.p, 'F') - selection(d.p, 'M')), 'demographic parity difference after', 1e-9);
  assertClose(dp.before, Math.abs(selection(hard, 'F') - selection(hard, 'M')), 'demographic parity difference before', 1e-9);
  assertClose(r.accuracyCost.cost, r.overall.metrics.accuracy.before! - r.overall.metrics.accuracy.after!, 'accuracy cost', 1e-12);
  assert.deepEqual(r.tradeoff, { disparity: 'demographic_parity_difference', by: ['sex'], before: { accuracy: r.accuracyCost.before, disparity: dp.before }, after: { accuracy: r.accuracyCost.after, disparity: dp.after } });
  assert.equal(r.intervals.method, 'none');
  assert.ok(Object.values(r.overall.metrics).every((m) => m.delta.interval === null));
});

test('hard decisions: the paired interval of the accuracy change agrees with a direct paired row bootstrap', () => {
  const d = rows(3000, 2);
  const r = compareBeforeAfter(d.table, { label: 'y', sensitive: [['sex']], before: { pred: 'score >= 0.5' }, after: { pred: 'alt = 1' }, name: 'alt', method: 'test', bootstrap: 2000, seed: 3 });
  assert.equal(r.expected, false);
  const ours = r.overall.metrics.accuracy.delta.interval!;
  const random = new Random(99);
  const n = d.y.length;
  const deltas: number[] = [];
  for (let b = 0; b < 2000; b++) {
    let change = 0;
    for (let k = 0; k < n; k++) {
      const i = random.int(n);
      const before = d.score[i] >= 0.5 ? 1 : 0;
      const after = d.score[i] >= 0.45 ? 1 : 0;
      change += (after === d.y[i] ? 1 : 0) - (before === d.y[i] ? 1 : 0);
    }
    deltas.push(change / n);
  }
  const direct = percentileInterval(deltas)!;
  const width = direct.upper - direct.lower;
  assert.ok(width > 0);
  assert.ok(Math.abs(ours[0] - direct.lower) < 0.2 * width && Math.abs(ours[1] - direct.upper) < 0.2 * width, `ours [${ours}] vs direct [${direct.lower}, ${direct.upper}]`);
  // The cost interval is the change's, negated.
  assert.deepEqual(r.accuracyCost.interval, [-ours[1], -ours[0]]);
  // Before and after intervals come from assess, like the rest of the report.
  const before = assess(d.table, { label: 'y', pred: 'score >= 0.5', bootstrap: 2000, seed: 3 });
  assert.deepEqual(r.overall.metrics.accuracy.before, before.overall.accuracy);
});

test('identical predictions before and after change nothing, with zero-width paired intervals', () => {
  const d = rows(800, 4);
  const r = compareBeforeAfter(d.table, { label: 'y', sensitive: [['sex']], before: { probability: d.p }, after: { probability: Float64Array.from(d.p) }, name: 'same', method: 'test', bootstrap: 200 });
  for (const scope of [r.overall, ...r.groups]) {
    for (const [id, m] of Object.entries(scope.metrics)) {
      assert.equal(m.delta.value, 0, id);
      if (m.delta.interval) assert.ok(Math.abs(m.delta.interval[0]) < 1e-12 && Math.abs(m.delta.interval[1]) < 1e-12, `${id}: ${m.delta.interval}`);
    }
  }
  for (const x of r.disparities) assert.equal(x.delta.value, 0, x.metric);
});

test('rows without a label or either prediction are left out of both sides', () => {
  const table = Table.from({ y: [1, 0, 1, null, 0, 1], a: [1, 0, null, 1, 0, 0], g: ['x', 'x', 'y', 'y', 'y', 'x'] });
  const after = Float64Array.of(0.5, 0.5, 0.5, 0.5, NaN, 1);
  const r = compareBeforeAfter(table, { label: 'y', sensitive: [['g']], before: { pred: 'a' }, after: { probability: after }, name: 'x', method: 'test', bootstrap: 0 });
  assert.equal(r.overall.count, 3);
  assert.equal(r.data.rows, 3);
  assert.throws(() => compareBeforeAfter(table, { label: 'y', sensitive: [], before: { pred: 'a' }, after: { probability: Float64Array.of(2, 0, 0, 0, 0, 0) }, name: 'x', method: 'test' }), /probability 2 is outside 0\.\.1/);
});

test('multiclass: class rates before and after per group, point changes only', () => {
  const random = new Random(5);
  const classes = ['a', 'b', 'c'];
  const label: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const g: string[] = [];
  for (let i = 0; i < 600; i++) {
    label.push(classes[random.int(3)]);
    before.push(random.next() < 0.7 ? label[i] : classes[random.int(3)]);
    after.push(random.next() < 0.6 ? label[i] : classes[random.int(3)]);
    g.push(i % 2 ? 'u' : 'v');
  }
  const table = Table.from({ label, before, after, g });
  const r = compareBeforeAfter(table, { label: 'label', sensitive: [['g']], before: { pred: 'before' }, after: { pred: 'after' }, name: 'mc', method: 'test', bootstrap: 100 });
  assert.equal(r.task, 'multiclass');
  assert.deepEqual(r.metrics, ['accuracy', 'balanced_accuracy', 'selection_rate__a', 'selection_rate__b', 'selection_rate__c']);
  const accuracy = (pred: string[]) => pred.filter((p, i) => p === label[i]).length / label.length;
  assertClose(r.overall.metrics.accuracy.before, accuracy(before), 'accuracy before');
  assertClose(r.overall.metrics.accuracy.after, accuracy(after), 'accuracy after');
  assert.equal(r.overall.metrics.accuracy.delta.interval, null);
  const rate = (pred: string[], c: string, grp: string) => pred.filter((p, i) => p === c && g[i] === grp).length / g.filter((x) => x === grp).length;
  const worst = (pred: string[]) => Math.max(...classes.map((c) => Math.abs(rate(pred, c, 'u') - rate(pred, c, 'v'))));
  const max = r.disparities.find((x) => x.metric === 'selection_rate_difference_max')!;
  assertClose(max.before, worst(before), 'largest class-rate difference before');
  assertClose(max.after, worst(after), 'largest class-rate difference after');
  assert.equal(r.tradeoff?.disparity, 'selection_rate_difference_max');
});

test('the result validates against the insights schema, and the report draws the section and, for several entries, the trade-off', () => {
  const d = rows(1500, 6);
  const make = (name: string, p: Float64Array) => compareBeforeAfter(d.table, { label: 'y', sensitive: [['sex']], before: { pred: 'score >= 0.5' }, after: { probability: p }, name, method: 'threshold_optimizer', params: { constraint: 'demographic_parity' }, bootstrap: 100, data: { file: 'eval.csv' } });
  const a = make('rule <b>one</b>', d.p);
  const b = make('rule two', Float64Array.from(d.score, (s) => (s > 0.5 ? 1 : 0)));
  assert.deepEqual(MitigationResult.parse(JSON.parse(JSON.stringify(a))), JSON.parse(JSON.stringify(a)));
  const insights = assess(d.table, { label: 'y', pred: 'score >= 0.5', sensitive: [['sex']], bootstrap: 0 });
  const doc = Insights.parse(JSON.parse(JSON.stringify({ ...insights, mitigations: [a, b] })));
  assert.equal(doc.mitigations?.length, 2);
  const html = renderReport({ insights: doc, clientScript: '' });
  assert.match(html, /<a href="#mitigation">Mitigation<\/a>/);
  assert.match(html, /<h2 id="mitigation-h">Mitigation: before and after<\/h2>/);
  assert.ok(html.includes('rule &lt;b&gt;one&lt;/b&gt;') && !html.includes('<b>one</b>'), 'names are escaped');
  const chart = tradeoffChart([a, b]);
  const plot = chart.slice(0, chart.indexOf('</svg>'));
  assert.equal((plot.match(/<circle /g) ?? []).length, 2, 'one point per mitigation');
  assert.equal((plot.match(/<rect x=/g) ?? []).length, 1, 'one square for the unmitigated model');
  const legend = chart.slice(chart.indexOf('<ul class="legend">'));
  assert.equal((legend.match(/<svg class="swatch"/g) ?? []).length, 3, 'each legend entry shows its marker');
  assert.ok(html.includes('scatter-chart'));
  const single = renderMitigations([a]);
  assert.ok(!single.includes('scatter-chart'), 'one entry: no trade-off plot');
  assert.equal(renderMitigations([]), '');
  // Every group's row appears with its metrics, and the disparity table lists the fairness summaries.
  for (const label of ['sex = F', 'sex = M', 'All rows', 'Demographic parity difference']) assert.ok(single.includes(label), label);
  const withoutMitigations = renderReport({ insights: Insights.parse(JSON.parse(JSON.stringify(insights))), clientScript: '' });
  assert.ok(!withoutMitigations.includes('id="mitigation"'));
});

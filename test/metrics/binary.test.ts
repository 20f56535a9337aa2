import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BINARY_METRIC_IDS,
  binaryMetric,
  binaryMetricIntervals,
  binaryMetrics,
  binaryMetricValues,
  confusionByGroup,
  emptyConfusionCounts,
  METRICS,
  metricInfo,
  isUserError,
} from '../../src/index.js';

function counts(cells: [number, number, number, number][]) {
  const c = emptyConfusionCounts(cells.length);
  cells.forEach(([tp, fp, tn, fn], g) => {
    c.tp[g] = tp;
    c.fp[g] = fp;
    c.tn[g] = tn;
    c.fn[g] = fn;
    c.n[g] = tp + fp + tn + fn;
  });
  return c;
}

test('binaryMetrics derives every rate from the counts', () => {
  const m = binaryMetrics(counts([[30, 10, 50, 10]]));
  const v = (id: (typeof BINARY_METRIC_IDS)[number]) => m[id][0].value;
  assert.equal(v('count'), 100);
  assert.equal(v('selection_rate'), 0.4);
  assert.equal(v('accuracy'), 0.8);
  assert.equal(v('base_rate'), 0.4);
  assert.equal(v('precision'), 0.75);
  assert.equal(v('recall'), 0.75);
  assert.equal(v('true_positive_rate'), 0.75);
  assert.equal(v('false_positive_rate'), 10 / 60);
  assert.equal(v('false_negative_rate'), 0.25);
  assert.equal(v('true_negative_rate'), 50 / 60);
  assert.equal(v('negative_predictive_value'), 50 / 60);
  assert.equal(v('false_discovery_rate'), 0.25);
  assert.equal(v('false_omission_rate'), 10 / 60);
  assert.equal(v('f1'), 0.75);
  assert.equal(v('balanced_accuracy'), (0.75 + 50 / 60) / 2);
});

test('falsePositiveRate returns null when a group has no negatives', () => {
  const m = binaryMetrics(counts([[3, 0, 0, 1]]));
  assert.deepEqual(m.false_positive_rate[0], { value: null, reason: 'no negatives (fp + tn = 0)' });
  assert.deepEqual(m.true_negative_rate[0], { value: null, reason: 'no negatives (fp + tn = 0)' });
  assert.deepEqual(m.balanced_accuracy[0], { value: null, reason: 'no negatives (fp + tn = 0)' });
  assert.deepEqual(binaryMetrics(counts([[0, 0, 4, 0]])).precision[0], { value: null, reason: 'no predicted positives (tp + fp = 0)' });
  assert.deepEqual(binaryMetrics(counts([[0, 2, 4, 0]])).recall[0], { value: null, reason: 'no positives (tp + fn = 0)' });
  assert.deepEqual(binaryMetrics(counts([[0, 0, 4, 0]])).f1[0], { value: null, reason: 'no actual or predicted positives (2tp + fp + fn = 0)' });
});

test('zeroDivision 0 gives 0 for 0/0 rates (scikit-learn / Fairlearn) and sklearn balanced accuracy with one class', () => {
  const m = binaryMetrics(counts([[3, 0, 0, 1]]), { zeroDivision: 0 });
  assert.equal(m.false_positive_rate[0].value, 0);
  assert.equal(m.true_negative_rate[0].value, 0);
  // balanced_accuracy_score drops the absent class's recall: only the TPR remains.
  assert.equal(m.balanced_accuracy[0].value, 0.75);
  assert.equal(binaryMetrics(counts([[0, 1, 3, 0]]), { zeroDivision: 0 }).balanced_accuracy[0].value, 0.75);
  assert.equal(binaryMetrics(counts([[0, 0, 4, 0]]), { zeroDivision: 0 }).precision[0].value, 0);
});

test('an empty group gives null rates in both conventions', () => {
  for (const zeroDivision of ['null', 0] as const) {
    const m = binaryMetrics(counts([[0, 0, 0, 0]]), { zeroDivision });
    assert.equal(m.count[0].value, 0);
    assert.deepEqual(m.accuracy[0], { value: null, reason: 'empty group (no rows)' });
    assert.deepEqual(m.precision[0], { value: null, reason: 'empty group (no rows)' });
  }
  const c = counts([[0, 0, 0, 0]]);
  c.n[0] = 3;
  assert.deepEqual(binaryMetrics(c).accuracy[0], { value: null, reason: 'weights sum to 0' });
});

test('binaryMetricValues gives NaN where undefined; invalid options are user errors', () => {
  const c = counts([
    [1, 1, 0, 0],
    [1, 1, 1, 1],
  ]);
  const v = binaryMetricValues(c, 'false_positive_rate');
  assert.equal(v[0], 1);
  assert.equal(v[1], 0.5);
  assert.equal(binaryMetricValues(c, 'recall', { zeroDivision: 0 })[0], 1);
  assert.ok(Number.isNaN(binaryMetricValues(counts([[0, 1, 1, 0]]), 'recall')[0]));
  assert.throws(() => binaryMetrics(c, { zeroDivision: 1 as never }), (e: unknown) => isUserError(e) && /invalid zeroDivision: 1/.test(e.message));
  assert.throws(() => binaryMetric('nope' as never, 1, 1, 1, 1, 4), /unknown binary metric: "nope"/);
});

test('the registry describes every binary metric, and proportions agree with the formulas', () => {
  for (const id of BINARY_METRIC_IDS) {
    const info = metricInfo(id);
    assert.ok(info, id);
    assert.equal(info.id, id);
    assert.match(info.label, /^[A-Z]/);
  }
  assert.equal(METRICS.false_positive_rate.label, 'False positive rate');
  assert.equal(METRICS.false_positive_rate.higherIsBetter, false);
  assert.equal(METRICS.roc_auc.higherIsBetter, true);
  assert.equal(metricInfo('nope'), undefined);
  assert.equal(metricInfo('toString'), undefined);
  fc.assert(
    fc.property(fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50)), ([tp, fp, tn, fn]) => {
      const cells = { tp, fp, tn, fn };
      for (const id of BINARY_METRIC_IDS) {
        const p = METRICS[id].proportion;
        if (!p) continue;
        const num = p.numerator.reduce((s, k) => s + cells[k], 0);
        const den = p.denominator.reduce((s, k) => s + cells[k], 0);
        const value = binaryMetric(id, tp, fp, tn, fn, tp + fp + tn + fn).value;
        if (den > 0) assert.equal(value, num / den, id);
        else assert.equal(value, null, id);
      }
    }),
  );
});

test('binaryMetricIntervals gives Wilson intervals per group, null when the denominator is 0', () => {
  const c = confusionByGroup(new Int32Array([0, 0, 0, 0, 1]), 2, new Uint8Array([0, 0, 1, 1, 1]), new Uint8Array([1, 0, 1, 1, 1]));
  const [g0, g1] = binaryMetricIntervals(c, 'false_positive_rate');
  assert.equal(g0?.estimate, 0.5);
  assert.ok(g0 && g0.lower < 0.5 && g0.upper > 0.5);
  assert.equal(g1, null);
  assert.throws(() => binaryMetricIntervals(c, 'f1'), /f1 is not a proportion/);
});

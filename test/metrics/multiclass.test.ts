import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binaryMetrics, multiclassConfusionByGroup, multiclassLogLossByGroup, multiclassMetrics, oneVsRest } from '../../src/index.js';

const near = (a: number | null, b: number, what = '') => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('multiclass metrics match the scikit-learn documentation examples', () => {
  // precision_recall_fscore_support docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1].
  const y = new Int32Array([0, 1, 2, 0, 1, 2]);
  const p = new Int32Array([0, 2, 1, 0, 0, 1]);
  const m = multiclassMetrics(multiclassConfusionByGroup(new Int32Array(6), 1, y, p, 3), { zeroDivision: 0 });
  near(m.precision_macro[0].value, 0.2222222222222222, 'precision macro');
  near(m.recall_macro[0].value, 0.3333333333333333, 'recall macro');
  near(m.f1_macro[0].value, 0.26666666666666666, 'f1 macro');
  near(m.f1_micro[0].value, 0.3333333333333333, 'f1 micro');
  near(m.f1_weighted[0].value, 0.26666666666666666, 'f1 weighted');
  near(m.precision_weighted[0].value, 0.2222222222222222, 'precision weighted');
  near(m.accuracy[0].value, 1 / 3, 'accuracy');
  near(m.balanced_accuracy[0].value, 1 / 3, 'balanced accuracy');
});

test('zeroDivision: a class never predicted counts as 0 with 0, and is left out (noted) by default', () => {
  const y = new Int32Array([0, 1, 2, 2]);
  const p = new Int32Array([0, 1, 1, 1]);
  const counts = multiclassConfusionByGroup(new Int32Array(4), 1, y, p, 3);
  assert.equal(multiclassMetrics(counts, { zeroDivision: 0 }).precision_macro[0].value, (1 + 1 / 3 + 0) / 3);
  assert.deepEqual(multiclassMetrics(counts).precision_macro[0], { value: (1 + 1 / 3) / 2, reason: 'classes left out (zero denominator): 2' });
});

test('averages run over the classes present in the group (scikit-learn without labels=)', () => {
  const groups = new Int32Array([0, 0, 1, 1]);
  const y = new Int32Array([0, 1, 2, 2]);
  const p = new Int32Array([0, 1, 2, 0]);
  const m = multiclassMetrics(multiclassConfusionByGroup(groups, 2, y, p, 3), { zeroDivision: 0 });
  assert.equal(m.recall_macro[0].value, 1);
  // Group 1 has classes 0 (predicted) and 2 (true): recalls 0 (no support → 0) and 0.5.
  assert.equal(m.recall_macro[1].value, 0.25);
  assert.equal(m.balanced_accuracy[1].value, 0.5);
});

test('oneVsRest counts agree with a binary relabelling', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ y: fc.integer({ min: 0, max: 3 }), p: fc.integer({ min: 0, max: 3 }) }), { maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (rows, k) => {
      const counts = multiclassConfusionByGroup(new Int32Array(rows.length), 1, Int32Array.from(rows.map((r) => r.y)), Int32Array.from(rows.map((r) => r.p)), 4);
      const ovr = oneVsRest(counts, k);
      assert.equal(ovr.tp[0], rows.filter((r) => r.y === k && r.p === k).length);
      assert.equal(ovr.fp[0], rows.filter((r) => r.y !== k && r.p === k).length);
      assert.equal(ovr.fn[0], rows.filter((r) => r.y === k && r.p !== k).length);
      assert.equal(ovr.tn[0], rows.filter((r) => r.y !== k && r.p !== k).length);
      assert.equal(binaryMetrics(ovr).count[0].value, rows.length);
    }),
  );
});

test('multiclass rows with a missing class are left out and counted; out-of-range codes throw', () => {
  const c = multiclassConfusionByGroup(new Int32Array([0, 0, 0]), 1, new Int32Array([-1, 0, 1]), new Int32Array([0, -1, 1]), 2);
  assert.equal(c.missing[0], 2);
  assert.equal(c.n[0], 1);
  assert.throws(() => multiclassConfusionByGroup(new Int32Array([0]), 1, new Int32Array([2]), new Int32Array([0]), 2), /class code 2 out of range/);
  assert.deepEqual(multiclassMetrics(multiclassConfusionByGroup(new Int32Array(0), 1, new Int32Array(0), new Int32Array(0), 2)).accuracy[0], { value: null, reason: 'empty group (no rows)' });
});

test('multiclass log loss renormalises rows and clips like scikit-learn 1.2', () => {
  const label = new Int32Array([0, 1, 2, 1]);
  const probs = [new Float64Array([0.7, 0.2, 0.2, 0]), new Float64Array([0.2, 0.6, 0.2, 0]), new Float64Array([0.1, 0.2, 0.2, 1])];
  const { log_loss, missing } = multiclassLogLossByGroup(new Int32Array(4), 1, label, probs);
  const eps = 2.220446049250313e-16;
  const expected = -(Math.log(0.7) + Math.log(0.6) + Math.log(1 / 3) + Math.log(eps / (1 + 2 * eps))) / 4;
  near(log_loss[0].value, expected);
  assert.equal(missing[0], 0);
  // Two columns reproduce the binary log loss (scikit-learn's example).
  const two = multiclassLogLossByGroup(new Int32Array(4), 1, new Int32Array([1, 0, 0, 1]), [new Float64Array([0.1, 0.9, 0.8, 0.35]), new Float64Array([0.9, 0.1, 0.2, 0.65])]);
  near(two.log_loss[0].value, 0.21616187468057912);
  const bad = multiclassLogLossByGroup(new Int32Array([0, 0]), 1, new Int32Array([0, -1]), [new Float64Array([NaN, 0.5]), new Float64Array([0.5, 0.5])]);
  assert.equal(bad.missing[0], 2);
  assert.equal(bad.log_loss[0].value, null);
});

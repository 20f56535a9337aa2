import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { curvesByGroup, rankByScore, Random, scoreMetricsByGroup, isUserError } from '../../src/index.js';

const rowArb = fc.record({ g: fc.integer({ min: 0, max: 1 }), y: fc.constantFrom(0, 1), s: fc.constantFrom(0.1, 0.2, 0.3, 0.5, 0.8, 0.9) });

test('curvesByGroup gives scikit-learn roc_curve points (one per distinct score) and their trapezoid area is the AUC', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 80 }), (rows) => {
      const groups = Int32Array.from(rows.map((r) => r.g));
      const label = Uint8Array.from(rows.map((r) => r.y));
      const score = Float64Array.from(rows.map((r) => r.s));
      const ranking = rankByScore(label, score);
      const curves = curvesByGroup(ranking, groups, 2);
      const auc = scoreMetricsByGroup(ranking, groups, 2).roc_auc;
      for (let g = 0; g < 2; g++) {
        const mine = rows.filter((r) => r.g === g);
        const distinct = [...new Set(mine.map((r) => r.s))].sort((a, b) => b - a);
        assert.equal(curves[g].thresholds, distinct.length);
        const roc = curves[g].roc;
        if (auc[g].value === null) {
          assert.equal(roc, null);
          continue;
        }
        assert.ok(roc);
        assert.deepEqual(roc.threshold, [null, ...distinct]);
        const P = mine.filter((r) => r.y === 1).length;
        const N = mine.length - P;
        distinct.forEach((t, k) => {
          const sel = mine.filter((r) => r.s >= t);
          assert.equal(roc.tpr[k + 1], sel.filter((r) => r.y === 1).length / P);
          assert.equal(roc.fpr[k + 1], sel.filter((r) => r.y === 0).length / N);
        });
        let area = 0;
        for (let k = 1; k < roc.fpr.length; k++) area += ((roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1])) / 2;
        assert.ok(Math.abs(area - (auc[g].value as number)) < 1e-12);
        const pr = curves[g].pr;
        assert.ok(pr);
        assert.equal(pr.recall[pr.recall.length - 1], 1);
        assert.deepEqual([pr.recall[0], pr.precision[0]], [0, 1]);
      }
    }),
  );
});

test('curvesByGroup downsamples to at most maxPoints and keeps both endpoints', () => {
  const r = new Random(3);
  const n = 5000;
  const label = new Uint8Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = r.next() < 0.3 ? 1 : 0;
    score[i] = r.next() * 0.7 + 0.3 * label[i];
  }
  const [c] = curvesByGroup(rankByScore(label, score), new Int32Array(n), 1, { maxPoints: 50 });
  assert.equal(c.thresholds, n);
  assert.ok(c.roc && c.roc.fpr.length <= 50 && c.roc.fpr.length > 40);
  assert.deepEqual([c.roc.fpr[0], c.roc.tpr[0]], [0, 0]);
  assert.deepEqual([c.roc.fpr.at(-1), c.roc.tpr.at(-1)], [1, 1]);
  assert.ok(c.pr && c.pr.recall.length <= 50);
  assert.equal(c.pr.recall.at(-1), 1);
  assert.throws(() => curvesByGroup(rankByScore(label, score), new Int32Array(n), 1, { maxPoints: 2 }), (e: unknown) => isUserError(e) && /invalid maxPoints: 2/.test(e.message));
});

test('curvesByGroup explains missing curves for one-class and empty groups', () => {
  const ranking = rankByScore(new Uint8Array([1, 1, 0]), new Float64Array([0.2, 0.4, 0.1]));
  const [a, b, c] = curvesByGroup(ranking, new Int32Array([0, 0, 1]), 3);
  assert.equal(a.roc, null);
  assert.ok(a.pr);
  assert.equal(a.reason, 'no negatives: no ROC curve');
  assert.equal(b.pr, null);
  assert.equal(b.reason, 'no positives: no ROC or precision-recall curve');
  assert.equal(c.reason, 'empty group (no rows)');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binaryMetricValues,
  bootstrapCounts,
  bootstrapRows,
  confusionByGroup,
  percentileInterval,
  Random,
  rankByScore,
  scoreMetricsByGroup,
  summarizeGroups,
  binaryMetrics,
  poolGroups,
  isUserError,
} from '../../src/index.js';

function synthetic(n: number, seed: number) {
  const r = new Random(seed);
  const groups = new Int32Array(n);
  const label = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    groups[i] = r.next() < 0.3 ? 1 : 0;
    label[i] = r.next() < 0.4 ? 1 : 0;
    score[i] = Math.min(1, Math.max(0, 0.35 + 0.3 * label[i] + 0.15 * r.normal()));
    pred[i] = score[i] >= 0.5 ? 1 : 0;
  }
  return { groups, label, pred, score };
}

function sd(xs: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    s2 += xs[i] * xs[i];
  }
  const m = s / xs.length;
  return Math.sqrt(s2 / xs.length - m * m);
}

test('bootstrapCounts keeps each group size, is reproducible for a seed, and differs across seeds', () => {
  const d = synthetic(2000, 1);
  const counts = confusionByGroup(d.groups, 2, d.label, d.pred);
  const a = bootstrapCounts(counts, { resamples: 50, seed: 7 });
  const b = bootstrapCounts(counts, { resamples: 50, seed: 7 });
  const c = bootstrapCounts(counts, { resamples: 50, seed: 8 });
  assert.equal(a.length, 50);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (const r of a) {
    for (let g = 0; g < 2; g++) {
      assert.equal(r.tp[g] + r.fp[g] + r.tn[g] + r.fn[g], counts.n[g]);
      assert.equal(r.n[g], counts.n[g]);
    }
  }
});

test('bootstrapCounts matches row resampling in distribution (same spread of FPR and of the FPR difference)', () => {
  const d = synthetic(3000, 2);
  const counts = confusionByGroup(d.groups, 2, d.label, d.pred);
  const fast = bootstrapCounts(counts, { resamples: 2000, seed: 1 });
  const slow = bootstrapRows(d.groups, 2, (w) => confusionByGroup(d.groups, 2, d.label, d.pred, w), { resamples: 2000, seed: 2 });
  for (let g = 0; g < 2; g++) {
    const f = fast.map((c) => binaryMetricValues(c, 'false_positive_rate')[g]);
    const s = slow.map((c) => binaryMetricValues(c, 'false_positive_rate')[g]);
    const ratio = sd(f) / sd(s);
    assert.ok(ratio > 0.9 && ratio < 1.1, `group ${g}: sd ratio ${ratio}`);
  }
  const diff = (cs: typeof fast) => cs.map((c) => summarizeGroups(binaryMetrics(c).false_positive_rate, null).difference as number);
  const ratio = sd(diff(fast)) / sd(diff(slow));
  assert.ok(ratio > 0.9 && ratio < 1.1, `difference sd ratio ${ratio}`);
});

test('bootstrapCounts percentile intervals cover a known selection rate about 95% of the time', () => {
  const r = new Random(99);
  const truth = 0.3;
  let covered = 0;
  const trials = 300;
  for (let t = 0; t < trials; t++) {
    const n = 150;
    const groups = new Int32Array(n);
    const label = new Uint8Array(n);
    const pred = new Uint8Array(n);
    for (let i = 0; i < n; i++) pred[i] = r.next() < truth ? 1 : 0;
    const counts = confusionByGroup(groups, 1, label, pred);
    const rates = bootstrapCounts(counts, { resamples: 400, seed: t }).map((c) => binaryMetricValues(c, 'selection_rate')[0]);
    const ci = percentileInterval(rates)!;
    if (ci.lower <= truth && truth <= ci.upper) covered++;
  }
  const coverage = covered / trials;
  assert.ok(coverage > 0.9 && coverage < 0.985, `coverage ${coverage}`);
});

test('bootstrapCounts scales weighted draws to keep each group weight', () => {
  const groups = new Int32Array([0, 0, 0, 0, 1, 1]);
  const label = new Uint8Array([1, 0, 1, 0, 1, 0]);
  const pred = new Uint8Array([1, 1, 0, 0, 1, 0]);
  const weight = new Float64Array([2, 2, 2, 2, 0.5, 1.5]);
  const counts = confusionByGroup(groups, 2, label, pred, weight);
  for (const c of bootstrapCounts(counts, { resamples: 20, seed: 3 })) {
    assert.ok(Math.abs(c.tp[0] + c.fp[0] + c.tn[0] + c.fn[0] - 8) < 1e-12);
    assert.ok(Math.abs(c.tp[1] + c.fp[1] + c.tn[1] + c.fn[1] - 2) < 1e-12);
    assert.ok(c.weighted);
  }
});

test('bootstrapCounts handles empty groups and rejects bad options', () => {
  const counts = confusionByGroup(new Int32Array([0, 0]), 3, new Uint8Array([1, 0]), new Uint8Array([1, 1]));
  const [r] = bootstrapCounts(counts, { resamples: 1 });
  assert.deepEqual(Array.from(r.n), [2, 0, 0]);
  assert.equal(r.tp[1] + r.fp[1] + r.tn[1] + r.fn[1], 0);
  assert.throws(() => bootstrapCounts(counts, { resamples: 0 }), (e: unknown) => isUserError(e) && /invalid resamples: 0/.test(e.message));
});

test('bootstrapRows draws within groups: multiplicities sum to each group size and excluded rows are never drawn', () => {
  const groups = new Int32Array([0, 1, -1, 0, 1, 1, 0, -1]);
  const seen = bootstrapRows(
    groups,
    2,
    (w) => {
      let g0 = 0;
      let g1 = 0;
      for (let i = 0; i < groups.length; i++) {
        if (groups[i] === -1) assert.equal(w[i], 0);
        else if (groups[i] === 0) g0 += w[i];
        else g1 += w[i];
      }
      assert.equal(g0, 3);
      assert.equal(g1, 3);
      return Array.from(w);
    },
    { resamples: 30, seed: 4 },
  );
  assert.deepEqual(seen, bootstrapRows(groups, 2, (w) => Array.from(w), { resamples: 30, seed: 4 }));
});

test('bootstrapRows with a ranking recomputes AUC per resample without re-sorting', () => {
  const d = synthetic(1500, 5);
  const ranking = rankByScore(d.label, d.score);
  const auc = scoreMetricsByGroup(ranking, d.groups, 2).roc_auc[0].value as number;
  const aucs = bootstrapRows(d.groups, 2, (w) => scoreMetricsByGroup(ranking, d.groups, 2, { weight: w }).roc_auc[0].value, { resamples: 200, seed: 6 });
  const ci = percentileInterval(aucs)!;
  assert.ok(ci.lower < auc && auc < ci.upper, `${ci.lower} < ${auc} < ${ci.upper}`);
  assert.ok(ci.upper - ci.lower < 0.1);
});

test('percentileInterval leaves out undefined resamples and counts them', () => {
  const ci = percentileInterval([1, null, 2, NaN, 3, 4, 5])!;
  assert.equal(ci.resamples, 5);
  assert.equal(ci.undefinedResamples, 2);
  assert.equal(ci.lower, 1.1);
  assert.equal(ci.upper, 4.9);
  assert.equal(percentileInterval([null, NaN]), null);
  assert.throws(() => percentileInterval([1], { confidence: 0 }), (e: unknown) => isUserError(e));
  // The pooled overall comes from the same resamples.
  const counts = confusionByGroup(new Int32Array([0, 1, 1]), 2, new Uint8Array([1, 0, 1]), new Uint8Array([1, 1, 0]));
  assert.equal(poolGroups(bootstrapCounts(counts, { resamples: 1 })[0]).n[0], 3);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { averagePrecision, brierScore, logLoss, rankByScore, rocAuc, scoreMetricsByGroup } from '../../src/index.js';

interface Row {
  g: number;
  y: number;
  s: number;
  w: number;
}

// Scores from a small set so that ties are common.
const rowArb = fc.record({
  g: fc.integer({ min: -1, max: 2 }),
  y: fc.constantFrom(0, 1),
  s: fc.constantFrom(0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1),
  w: fc.integer({ min: 0, max: 4 }),
});

function arrays(rows: Row[]) {
  return {
    groups: Int32Array.from(rows.map((r) => r.g)),
    label: Uint8Array.from(rows.map((r) => r.y)),
    score: Float64Array.from(rows.map((r) => r.s)),
    weight: Float64Array.from(rows.map((r) => r.w)),
  };
}

/** O(n²) weighted Mann–Whitney: P(s⁺ > s⁻) + ½ P(s⁺ = s⁻). */
function pairwiseAuc(rows: Row[], weighted: boolean): number | null {
  let num = 0;
  let den = 0;
  for (const a of rows) {
    if (a.y !== 1) continue;
    for (const b of rows) {
      if (b.y !== 0) continue;
      const w = weighted ? a.w * b.w : 1;
      den += w;
      num += w * (a.s > b.s ? 1 : a.s === b.s ? 0.5 : 0);
    }
  }
  return den > 0 ? num / den : null;
}

/** scikit-learn's definition: over distinct thresholds t (descending), Σ (R(t) − R(prev)) · P(t). */
function directAp(rows: Row[], weighted: boolean): number | null {
  const w = (r: Row) => (weighted ? r.w : 1);
  const P = rows.filter((r) => r.y === 1).reduce((s, r) => s + w(r), 0);
  if (!(P > 0)) return null;
  const thresholds = [...new Set(rows.map((r) => r.s))].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const sel = rows.filter((r) => r.s >= t);
    const tp = sel.filter((r) => r.y === 1).reduce((s, r) => s + w(r), 0);
    const fp = sel.filter((r) => r.y === 0).reduce((s, r) => s + w(r), 0);
    const recall = tp / P;
    ap += (recall - prevRecall) * (tp + fp > 0 ? tp / (tp + fp) : 0);
    prevRecall = recall;
  }
  return ap;
}

function near(a: number | null, b: number | null, what: string, tol = 1e-12): void {
  if (b === null) return assert.equal(a, null, what);
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

test('scoreMetricsByGroup ROC AUC equals the O(n²) Mann–Whitney count with ties as ½, per group', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 80 }), (rows) => {
      const d = arrays(rows);
      const m = scoreMetricsByGroup(rankByScore(d.label, d.score), d.groups, 3);
      for (let g = 0; g < 3; g++) near(m.roc_auc[g].value, pairwiseAuc(rows.filter((r) => r.g === g), false), `group ${g}`);
    }),
  );
});

test('scoreMetricsByGroup average precision equals the direct definition, per group', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 80 }), (rows) => {
      const d = arrays(rows);
      const m = scoreMetricsByGroup(rankByScore(d.label, d.score), d.groups, 3);
      for (let g = 0; g < 3; g++) near(m.average_precision[g].value, directAp(rows.filter((r) => r.g === g), false), `group ${g}`);
    }),
  );
});

test('weighted score metrics equal the weighted definitions and the rows repeated', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
      const d = arrays(rows);
      const weighted = scoreMetricsByGroup(rankByScore(d.label, d.score, { weight: d.weight }), d.groups, 3);
      const repeated = rows.flatMap((r) => Array.from({ length: r.w }, () => r));
      const r = arrays(repeated);
      const plain = scoreMetricsByGroup(rankByScore(r.label, r.score), r.groups, 3);
      for (let g = 0; g < 3; g++) {
        const mine = rows.filter((x) => x.g === g);
        near(weighted.roc_auc[g].value, pairwiseAuc(mine, true), `auc ${g}`);
        near(weighted.average_precision[g].value, directAp(mine, true), `ap ${g}`);
        for (const id of ['roc_auc', 'average_precision', 'log_loss', 'brier_score'] as const) {
          near(weighted[id][g].value, plain[id][g].value, `${id} ${g} repeated`, 1e-9);
        }
      }
    }),
  );
});

test('log loss clips like scikit-learn 1.2 and brier score is the mean squared error', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ y: fc.constantFrom(0, 1), s: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 50 }), (rows) => {
      const label = Uint8Array.from(rows.map((r) => r.y));
      const score = Float64Array.from(rows.map((r) => r.s));
      const eps = 2.220446049250313e-16;
      const expected = rows.reduce((s, r) => {
        const p = Math.min(Math.max(r.s, eps), 1 - eps);
        return s - Math.log(r.y === 1 ? p : 1 - p);
      }, 0) / rows.length;
      near(logLoss(label, score).value, expected, 'log loss', 1e-12 * Math.max(1, expected));
      near(brierScore(label, score).value, rows.reduce((s, r) => s + (r.s - r.y) ** 2, 0) / rows.length, 'brier');
    }),
  );
  // The scikit-learn documentation example: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]).
  near(logLoss(new Uint8Array([1, 0, 0, 1]), new Float64Array([0.9, 0.1, 0.2, 0.65])).value, 0.21616187468057912, 'sklearn example', 1e-15);
  // p = 0 for a positive: clipped to eps, not infinite; eps is an option (1e-15 before scikit-learn 1.2).
  near(logLoss(new Uint8Array([1]), new Float64Array([0])).value, -Math.log(2.220446049250313e-16), 'clip');
  near(logLoss(new Uint8Array([1]), new Float64Array([0]), { eps: 1e-15 }).value, -Math.log(1e-15), 'clip 1e-15');
});

test('single-series helpers match the scikit-learn documentation examples', () => {
  const y = new Uint8Array([0, 0, 1, 1]);
  const s = new Float64Array([0.1, 0.4, 0.35, 0.8]);
  assert.deepEqual(rocAuc(y, s), { value: 0.75 });
  near(averagePrecision(y, s).value, 0.8333333333333333, 'ap', 1e-15);
});

test('ROC AUC is null with a reason when a group has one class; AP needs positives only', () => {
  const ranking = rankByScore(new Uint8Array([1, 1, 0, 0]), new Float64Array([0.9, 0.2, 0.4, 0.3]));
  const m = scoreMetricsByGroup(ranking, new Int32Array([0, 0, 1, 1]), 3);
  assert.deepEqual(m.roc_auc[0], { value: null, reason: 'only one class: no negatives' });
  assert.deepEqual(m.average_precision[0], { value: 1 });
  assert.deepEqual(m.roc_auc[1], { value: null, reason: 'only one class: no positives' });
  assert.deepEqual(m.average_precision[1], { value: null, reason: 'no positives' });
  assert.deepEqual(m.log_loss[2], { value: null, reason: 'empty group (no rows)' });
  assert.ok(m.log_loss[1].value !== null);
});

test('rankByScore sorts descending with ties in row order and excludes missing rows with counts', () => {
  const label = new Uint8Array([1, 0, 255, 1, 0, 1]);
  const score = new Float64Array([0.5, NaN, 0.9, 0.5, 0.7, -0]);
  const r = rankByScore(label, score, { weight: new Float64Array([1, 1, 1, 1, NaN, 2]) });
  assert.deepEqual(Array.from(r.order), [0, 3, 5]);
  assert.deepEqual(Array.from(r.rank), [0, -1, -1, 1, -1, 2]);
  assert.deepEqual(r.excluded, { label: 1, score: 1, weight: 1 });
  assert.deepEqual(Array.from(r.weight as Float64Array), [1, 1, 2]);
  const m = scoreMetricsByGroup(r, new Int32Array([0, 0, 0, 0, 0, -1]), 1);
  assert.deepEqual(Array.from(m.missing), [3]);
  assert.deepEqual(Array.from(m.n), [2]);
});

test('rankByScore orders doubles that share a float32 value exactly (short and long runs)', () => {
  const base = 0.5;
  const values: number[] = [];
  // 40 distinct doubles within one float32 step: the long-run comparison sort; 3 more: insertion sort.
  for (let k = 0; k < 40; k++) values.push(base + ((k * 7919) % 40) * 1e-15);
  for (let k = 0; k < 3; k++) values.push(0.25 + ((k * 2) % 3) * 1e-14);
  values.push(Infinity, -Infinity, -1e300, 1e300, 0, -0, 5e-324, -5e-324);
  const score = Float64Array.from(values);
  const r = rankByScore(new Uint8Array(values.length), score);
  const sorted = Array.from(r.score);
  assert.deepEqual(sorted, [...values].sort((a, b) => b - a));
  for (let j = 0; j < r.size; j++) assert.equal(r.rank[r.order[j]], j);
  for (let j = 0; j < r.size; j++) assert.equal(score[r.order[j]], r.score[j]);
});

test('rankByScore matches a comparison sort on random doubles (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (xs) => {
      const r = rankByScore(new Uint8Array(xs.length), Float64Array.from(xs));
      const expected = xs.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      // Equal doubles (including −0 and +0) may come in any order; compare the values.
      assert.deepEqual(Array.from(r.score, (x) => x + 0), expected.map((e) => e[0] + 0));
    }),
  );
});

test('score metrics handle empty input, one row, all missing, one group and huge values', () => {
  const empty = scoreMetricsByGroup(rankByScore(new Uint8Array(0), new Float64Array(0)), new Int32Array(0), 1);
  assert.deepEqual(empty.roc_auc[0], { value: null, reason: 'empty group (no rows)' });
  const one = scoreMetricsByGroup(rankByScore(new Uint8Array([1]), new Float64Array([0.3])), new Int32Array([0]), 1);
  assert.equal(one.roc_auc[0].value, null);
  assert.equal(one.average_precision[0].value, 1);
  const missing = rankByScore(new Uint8Array([255, 255]), new Float64Array([0.1, 0.2]));
  assert.equal(missing.size, 0);
  assert.deepEqual(Array.from(scoreMetricsByGroup(missing, new Int32Array(2), 1).missing), [2]);
  const huge = scoreMetricsByGroup(rankByScore(new Uint8Array([0, 1, 0, 1]), new Float64Array([-1e308, 1e308, -Infinity, Infinity])), new Int32Array(4), 1);
  assert.equal(huge.roc_auc[0].value, 1);
  assert.throws(() => scoreMetricsByGroup(rankByScore(new Uint8Array(2), new Float64Array(2)), new Int32Array([0, 5]), 2), /group code 5 out of range/);
});

test('scoreMetricsByGroup with override weights equals a ranking built with those weights', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
      const d = arrays(rows);
      const a = scoreMetricsByGroup(rankByScore(d.label, d.score), d.groups, 3, { weight: d.weight });
      const b = scoreMetricsByGroup(rankByScore(d.label, d.score, { weight: d.weight }), d.groups, 3);
      assert.deepEqual(a, b);
    }),
  );
});

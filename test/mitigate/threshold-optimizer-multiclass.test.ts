// Multiclass one-vs-rest selection-rate parity: every class's rate equal across groups up to whole
// rows, valid decisions, per-group optimality against brute force over every assignment with the
// same class counts, and the table-level rule applied to new rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, Table } from '../../src/index.js';
import { fitMulticlassParity, multiclassDecisions, offsetArgmax, parseMitigation, thresholdOptimizer, type MulticlassMitigation } from '../../src/mitigate/index.js';

/** Softmax scores of K classes; group 1 leans towards class 0. */
function synthetic(n: number, K: number, seed: number, shift = 1) {
  const random = new Random(seed);
  const scores = Array.from({ length: K }, () => new Float64Array(n));
  const codes = new Int32Array(n);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = random.next() < 0.35 ? 1 : 0;
    codes[i] = g;
    const e: number[] = [];
    let z = 0;
    for (let k = 0; k < K; k++) {
      const v = Math.exp(random.normal() + (g === 1 && k === 0 ? shift : 0) + 0.3 * k);
      e.push(v);
      z += v;
    }
    for (let k = 0; k < K; k++) scores[k][i] = e[k] / z;
    let u = random.next();
    let k = 0;
    while (k < K - 1 && u > scores[k][i]) u -= scores[k++][i];
    label[i] = k;
  }
  return { scores, codes, label };
}

const rateTolerance = (rows: number[]) => 1 / Math.min(...rows) + 1e-12;

test('every class is predicted at the same rate in every group, up to whole rows; decisions are valid classes', () => {
  for (const [n, K, seed] of [
    [3000, 3, 1],
    [8000, 5, 2],
    [400, 4, 3],
  ]) {
    const data = synthetic(n, K, seed);
    const fit = fitMulticlassParity({ ...data, nGroups: 2 });
    assert.equal(fit.groups.length, 2);
    for (let k = 0; k < K; k++) {
      const [a, b] = fit.groups.map((g) => g.rates[k]);
      assert.ok(Math.abs(a - b) <= rateTolerance(fit.groups.map((g) => g.rows)), `n=${n} K=${K} class ${k}: ${a} vs ${b}`);
      // Each group's rate is the target rate rounded to whole rows.
      for (const g of fit.groups) assert.ok(Math.abs(g.rates[k] - fit.rates[k]) <= 1 / g.rows + 1e-12);
    }
    assert.ok(fit.violation <= rateTolerance(fit.groups.map((g) => g.rows)));
    assertClose(fit.rates.reduce((x, y) => x + y, 0), 1);
    // The decisions come from the offsets alone and are valid class indices.
    const counts = fit.groups.map(() => new Float64Array(K));
    for (let i = 0; i < n; i++) {
      const k = offsetArgmax(data.scores, i, fit.groups[data.codes[i]].offsets);
      assert.ok(Number.isInteger(k) && k >= 0 && k < K);
      counts[data.codes[i]][k]++;
    }
    counts.forEach((c, g) => c.forEach((v, k) => assert.equal(v / fit.groups[g].rows, fit.groups[g].rates[k])));
    // Without the constraint group 1 would predict class 0 far more often.
    const argmaxRates = [0, 1].map((g) => {
      let zero = 0;
      let rows = 0;
      for (let i = 0; i < n; i++) {
        if (data.codes[i] !== g) continue;
        rows++;
        if (offsetArgmax(data.scores, i, new Float64Array(K)) === 0) zero++;
      }
      return zero / rows;
    });
    assert.ok(argmaxRates[1] - argmaxRates[0] > 0.05, 'the synthetic data is unfair to begin with');
  }
});

function assertClose(a: number, b: number, tol = 1e-9) {
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
}

/** The most Σ s over every assignment of the rows to classes with the given class counts (brute force). */
function bruteForce(scores: Float64Array[], rows: number[], counts: number[]): number {
  let best = -Infinity;
  const left = [...counts];
  const walk = (r: number, total: number) => {
    if (r === rows.length) {
      best = Math.max(best, total);
      return;
    }
    for (let k = 0; k < left.length; k++) {
      if (left[k] === 0) continue;
      left[k]--;
      walk(r + 1, total + scores[k][rows[r]]);
      left[k]++;
    }
  };
  walk(0, 0);
  return best;
}

test('within each group the rule meets the target counts and no assignment with those counts does better (brute force)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const data = synthetic(16, 3, seed, 2);
    const fit = fitMulticlassParity({ ...data, nGroups: 2 });
    for (let g = 0; g < 2; g++) {
      const rows = Array.from({ length: 16 }, (_, i) => i).filter((i) => data.codes[i] === g);
      const counts = [0, 0, 0];
      let total = 0;
      for (const i of rows) {
        const k = offsetArgmax(data.scores, i, fit.groups[g].offsets);
        counts[k]++;
        total += data.scores[k][i];
      }
      // The counts are the target rates in whole rows, and no assignment with them does better.
      counts.forEach((c, k) => assert.ok(Math.abs(c - rows.length * fit.rates[k]) < 1, `seed ${seed} group ${g} class ${k}: ${c} rows for rate ${fit.rates[k]}`));
      const best = bruteForce(data.scores, rows, counts);
      assert.ok(Math.abs(total - best) < 1e-12, `seed ${seed} group ${g}: ${total} vs best ${best}`);
    }
  }
});

test('groups with the same scores keep the plain argmax', () => {
  const base = synthetic(500, 3, 8, 0);
  const n = 1000;
  const scores = base.scores.map((s) => Float64Array.from({ length: n }, (_, i) => s[i % 500]));
  const codes = Int32Array.from({ length: n }, (_, i) => (i < 500 ? 0 : 1));
  const label = Int32Array.from({ length: n }, (_, i) => base.label[i % 500]);
  const fit = fitMulticlassParity({ scores, codes, label, nGroups: 2 });
  for (let i = 0; i < n; i++) assert.equal(offsetArgmax(scores, i, fit.groups[codes[i]].offsets), offsetArgmax(scores, i, [0, 0, 0]));
  assert.equal(fit.violation, 0);
});

test('the expected accuracy is at least the class mix of the unconstrained argmax\'s', () => {
  const data = synthetic(3000, 4, 12, 1.5);
  const fit = fitMulticlassParity({ ...data, nGroups: 2 });
  const start = fitMulticlassParity({ ...data, nGroups: 2 }, { rateSteps: 0 });
  assert.ok(fit.expectedAccuracy >= start.expectedAccuracy - 1e-12);
});

test('table level: score columns per class, the artifact, and decisions on new rows', () => {
  const data = synthetic(2000, 3, 21);
  const classes = ['cat', 'dog', 'eel'];
  const table = Table.from({
    label: Array.from(data.label, (k) => classes[k]),
    p_cat: Array.from(data.scores[0]),
    p_dog: Array.from(data.scores[1]),
    p_eel: Array.from(data.scores[2]),
    g: Array.from(data.codes, (c) => (c ? 'y' : 'x')),
  });
  const m = thresholdOptimizer(table, { label: 'label', score: ['p_cat', 'p_dog', 'p_eel'], sensitive: ['g'] }) as MulticlassMitigation;
  assert.equal(m.task, 'multiclass');
  assert.deepEqual(m.classes, classes);
  assert.deepEqual(parseMitigation(JSON.parse(JSON.stringify(m))), m);
  const decisions = multiclassDecisions(table, m);
  for (let k = 0; k < 3; k++) {
    const rate = (g: number) => {
      let hit = 0;
      let rows = 0;
      for (let i = 0; i < decisions.length; i++) {
        if (data.codes[i] !== g) continue;
        rows++;
        if (decisions[i] === k) hit++;
      }
      return hit / rows;
    };
    assert.ok(Math.abs(rate(0) - rate(1)) <= m.violation + 1e-12);
  }
  assert.ok(m.violation < 0.005);
  assert.throws(() => thresholdOptimizer(table, { label: 'label', score: ['p_cat', 'p_dog'], sensitive: ['g'] }), /--score has 2 columns but the label has 3 classes/);
  assert.throws(() => thresholdOptimizer(table, { label: 'label', score: ['p_cat', 'p_dog', 'p_eel'], sensitive: ['g'], constraint: 'equalized_odds' }), /demographic_parity \(one-vs-rest selection-rate parity\) only/);
  const missing = Table.from({ label: ['cat'], p_cat: [null], p_dog: [0.5], p_eel: [0.5], g: ['x'] });
  assert.equal(multiclassDecisions(missing, m)[0], -1);
});

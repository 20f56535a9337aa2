import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Table } from '../../src/index.js';
import { fitLogistic } from '../../src/learn/index.js';
import {
  boundedGroupLoss,
  CLASSIFICATION_CONSTRAINTS,
  classificationMoments,
  exponentiatedGradient,
  fitUnmitigated,
  gridSearch,
  lagrangeGrid,
  linearLearner,
  logisticLearner,
  maximizeLp,
  mixtureModel,
  constantModel,
  solveLagrangianLp,
  type ClassificationConstraint,
  type MixtureModel,
} from '../../src/mitigate/index.js';
import { solveWeightedLogistic, sparseRows } from '../../src/learn/logistic-solver.js';
import { encodeDesign } from '../../src/learn/design.js';
import { Random } from '../../src/stats/index.js';
import { allStumps, lendingTable, stumpDecisions, stumpLearner } from './reductions-fixture.js';

/** Independent definitions of the constrained rates, straight from the decisions. */
function rates(decisions: ArrayLike<number>, y: ArrayLike<number>, group: readonly string[]): Map<string, { selection: number; tpr: number; fpr: number; error: number }> {
  const out = new Map<string, { selection: number; tpr: number; fpr: number; error: number }>();
  for (const g of new Set(group)) {
    let n = 0;
    let sel = 0;
    let pos = 0;
    let tp = 0;
    let neg = 0;
    let fp = 0;
    let wrong = 0;
    for (let i = 0; i < y.length; i++) {
      if (group[i] !== g) continue;
      n++;
      sel += decisions[i];
      wrong += y[i] === 1 ? 1 - decisions[i] : decisions[i];
      if (y[i] === 1) {
        pos++;
        tp += decisions[i];
      } else {
        neg++;
        fp += decisions[i];
      }
    }
    out.set(g, { selection: sel / n, tpr: tp / pos, fpr: fp / neg, error: wrong / n });
  }
  return out;
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

function labelsOf(table: Table, column: string, positive: string): Uint8Array {
  const c = table.column(column);
  if (c.type !== 'categorical') throw new Error('categorical label expected');
  return Uint8Array.from(c.codes, (k) => (c.dictionary[k] === positive ? 1 : 0));
}

function groupsOf(table: Table, column: string): string[] {
  const c = table.column(column);
  if (c.type !== 'categorical') throw new Error('categorical group expected');
  return Array.from(c.codes, (k) => c.dictionary[k]);
}

test('classification moments: γ is each group\'s rate minus the event\'s rate, for every constraint', () => {
  const r = new Random(3);
  const n = 200;
  const y = Uint8Array.from({ length: n }, () => (r.next() < 0.4 ? 1 : 0));
  const names = ['a', 'b', 'c'];
  const group = Int32Array.from({ length: n }, () => r.int(3));
  const pred = Float64Array.from({ length: n }, () => r.next());
  const g = Array.from(group, (k) => names[k]);
  const overall = rates(pred, y, Array(n).fill('all')).get('all')!;
  const byGroup = rates(pred, y, g);
  for (const constraint of CLASSIFICATION_CONSTRAINTS) {
    const m = classificationMoments(constraint, y, { groups: names, group }, 0.05);
    const { error, gamma } = m.evaluate(pred);
    assert.ok(Math.abs(error - overall.error) < 1e-12, `${constraint}: error`);
    const expected: number[] = [];
    for (const name of names) {
      const rg = byGroup.get(name)!;
      if (constraint === 'demographic_parity') expected.push(rg.selection - overall.selection);
      if (constraint === 'error_rate_parity') expected.push(rg.error - overall.error);
    }
    if (constraint === 'equalized_odds') {
      for (const name of names) expected.push(byGroup.get(name)!.fpr - overall.fpr);
      for (const name of names) expected.push(byGroup.get(name)!.tpr - overall.tpr);
    }
    if (constraint === 'true_positive_rate_parity') for (const name of names) expected.push(byGroup.get(name)!.tpr - overall.tpr);
    if (constraint === 'false_positive_rate_parity') for (const name of names) expected.push(byGroup.get(name)!.fpr - overall.fpr);
    assert.equal(gamma.length, 2 * expected.length, constraint);
    expected.forEach((e, j) => {
      assert.ok(Math.abs(gamma[j] - e) < 1e-12, `${constraint} + ${m.names[j]}: ${gamma[j]} vs ${e}`);
      assert.ok(Math.abs(gamma[expected.length + j] + e) < 1e-12, `${constraint} − ${m.names[j]}`);
    });
    assert.deepEqual([...m.bound], Array(2 * expected.length).fill(0.05));
  }
});

test('signed weights are the gain in the Lagrangian of deciding positive (cost-sensitive reduction)', () => {
  // For any multipliers and any two decision vectors, L(h1) − L(h2) = −(1/n)·Σ s_i·(h1_i − h2_i):
  // minimising L is maximising Σ s_i·h_i — label rows by the sign of s, weight them by |s|.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(...CLASSIFICATION_CONSTRAINTS), (seed, constraint: ClassificationConstraint) => {
      const r = new Random(seed);
      const n = 60;
      const y = Uint8Array.from({ length: n }, () => (r.next() < 0.5 ? 1 : 0));
      const group = Int32Array.from({ length: n }, () => r.int(2));
      const m = classificationMoments(constraint, y, { groups: ['a', 'b'], group }, 0.01);
      const lambda = Float64Array.from(m.bound, () => r.next() * 5);
      const h1 = Float64Array.from({ length: n }, () => r.int(2));
      const h2 = Float64Array.from({ length: n }, () => r.int(2));
      const L = (h: Float64Array) => {
        const v = m.evaluate(h);
        let s = v.error;
        for (let j = 0; j < lambda.length; j++) s += lambda[j] * (v.gamma[j] - m.bound[j]);
        return s;
      };
      const s = m.signedWeights(lambda, new Float64Array(n));
      let predicted = 0;
      for (let i = 0; i < n; i++) predicted -= (s[i] * (h1[i] - h2[i])) / n;
      return Math.abs(L(h1) - L(h2) - predicted) < 1e-10;
    }),
    { numRuns: 60, seed: 11 },
  );
});

test('bounded group loss: γ is each group\'s mean loss, and the weights make L a weighted mean loss', () => {
  const target = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const group = Int32Array.from([0, 0, 0, 1, 1, 1]);
  const pred = Float64Array.from([1.5, 2, 2, 4, 7, 6]);
  const m = boundedGroupLoss(target, { groups: ['x', 'y'], group }, 0.3);
  const v = m.evaluate(pred);
  assert.ok(Math.abs(v.gamma[0] - (0.25 + 0 + 1) / 3) < 1e-15);
  assert.ok(Math.abs(v.gamma[1] - (0 + 4 + 0) / 3) < 1e-15);
  assert.ok(Math.abs(v.error - 5.25 / 6) < 1e-15);
  const lambda = Float64Array.from([0.7, 2]);
  const w = m.signedWeights(lambda, new Float64Array(6));
  let weighted = 0;
  for (let i = 0; i < 6; i++) weighted += (w[i] * (pred[i] - target[i]) ** 2) / 6;
  assert.ok(Math.abs(weighted - (v.error + lambda[0] * v.gamma[0] + lambda[1] * v.gamma[1])) < 1e-12);
  const abs = boundedGroupLoss(target, { groups: ['x', 'y'], group }, 0.3, 'absolute').evaluate(pred);
  assert.ok(Math.abs(abs.gamma[1] - 2 / 3) < 1e-15);
});

test('maximizeLp matches brute-force vertex enumeration on small random problems', () => {
  const r = new Random(5);
  for (let trial = 0; trial < 40; trial++) {
    const n = 2 + r.int(2);
    const m = 2 + r.int(3);
    const c = Float64Array.from({ length: n }, () => r.next() * 2 - 0.5);
    // A row of ones keeps the problem bounded.
    const a = Float64Array.from({ length: m * n }, (_, k) => (k < n ? 1 : Math.round((r.next() * 4 - 1) * 4) / 4));
    const b = Float64Array.from({ length: m }, (_, i) => (i === 0 ? 3 : Math.round(r.next() * 8) / 4));
    const sol = maximizeLp(c, a, b);
    // Brute force: every vertex is the solution of n tight constraints among A x ≤ b and x ≥ 0.
    const rows: { coef: number[]; rhs: number }[] = [];
    for (let i = 0; i < m; i++) rows.push({ coef: Array.from(a.subarray(i * n, (i + 1) * n)), rhs: b[i] });
    for (let j = 0; j < n; j++) rows.push({ coef: Array.from({ length: n }, (_, k) => (k === j ? 1 : 0)), rhs: 0 });
    let best = -Infinity;
    const choose = (start: number, picked: number[]) => {
      if (picked.length === n) {
        const x = solveSquare(picked.map((p) => rows[p].coef), picked.map((p) => rows[p].rhs));
        if (!x) return;
        if (x.some((v) => v < -1e-9)) return;
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
          if (s > b[i] + 1e-9) return;
        }
        best = Math.max(best, x.reduce((s, v, j) => s + v * c[j], 0));
        return;
      }
      for (let k = start; k < rows.length; k++) choose(k + 1, [...picked, k]);
    };
    choose(0, []);
    assert.ok(Math.abs(sol.value - best) < 1e-9, `trial ${trial}: simplex ${sol.value}, vertices ${best}`);
    // Dual feasibility and strong duality: yᵀA ≥ c, y ≥ 0, bᵀy = cᵀx.
    let dualValue = 0;
    for (let i = 0; i < m; i++) dualValue += b[i] * sol.dual[i];
    assert.ok(Math.abs(dualValue - sol.value) < 1e-9, `trial ${trial}: dual ${dualValue} vs ${sol.value}`);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += sol.dual[i] * a[i * n + j];
      assert.ok(s >= c[j] - 1e-9, `trial ${trial}: dual constraint ${j}`);
    }
  }
});

/** Gaussian elimination with partial pivoting; null when singular. */
function solveSquare(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) piv = r;
    if (Math.abs(M[piv][col]) < 1e-12) return null;
    [M[col], M[piv]] = [M[piv], M[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r][col] / M[col][col];
      for (let k = col; k <= n; k++) M[r][k] -= f * M[col][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

test('solveLagrangianLp returns a saddle point: the primal and dual values agree', () => {
  const r = new Random(9);
  for (let trial = 0; trial < 30; trial++) {
    const H = 2 + r.int(6);
    const m = 2 + r.int(4);
    const errors = Float64Array.from({ length: H }, () => r.next() * 0.5);
    const gammas = Array.from({ length: H }, () => Float64Array.from({ length: m }, () => r.next() * 0.4 - 0.2));
    const bound = new Float64Array(m).fill(0.02);
    const B = 1 / 0.02;
    const { Q, lambda } = solveLagrangianLp(errors, gammas, bound, B);
    let sumQ = 0;
    for (const q of Q) {
      assert.ok(q >= 0);
      sumQ += q;
    }
    assert.ok(Math.abs(sumQ - 1) < 1e-12);
    let sumLambda = 0;
    for (const l of lambda) {
      assert.ok(l >= 0);
      sumLambda += l;
    }
    assert.ok(sumLambda <= B + 1e-9);
    // Primal: err(Q) + B·max(0, max_j γ_j(Q) − bound_j). Dual: min_h err_h + λ·(γ_h − bound).
    let primal = 0;
    let worst = 0;
    for (let h = 0; h < H; h++) primal += Q[h] * errors[h];
    for (let j = 0; j < m; j++) {
      let g = -bound[j];
      for (let h = 0; h < H; h++) g += Q[h] * gammas[h][j];
      worst = Math.max(worst, g);
    }
    primal += B * worst;
    let dual = Infinity;
    for (let h = 0; h < H; h++) {
      let v = errors[h];
      for (let j = 0; j < m; j++) v += lambda[j] * (gammas[h][j] - bound[j]);
      dual = Math.min(dual, v);
    }
    assert.ok(Math.abs(primal - dual) < 1e-9, `trial ${trial}: primal ${primal} vs dual ${dual}`);
  }
});

test('exponentiated gradient with an exact oracle reaches the best randomized classifier (brute force over stump pairs)', () => {
  const r = new Random(21);
  const n = 60;
  const x: number[] = [];
  const g: string[] = [];
  const yText: string[] = [];
  for (let i = 0; i < n; i++) {
    const grp = r.next() < 0.6 ? 'A' : 'B';
    const v = Math.round((r.normal(grp === 'A' ? 0.8 : 0, 1) + 3) * 10) / 10;
    x.push(v);
    g.push(grp);
    yText.push(v + r.normal(0, 0.6) > 3.4 ? 'yes' : 'no');
  }
  const table = Table.from({ x, group: g, approved: yText });
  const y = yText.map((v) => (v === 'yes' ? 1 : 0));
  const eps = 0.05;
  const result = exponentiatedGradient(table, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', eps, learner: stumpLearner('x'), features: ['x'] });

  // Brute force: with two groups, p_A·γ_A + p_B·γ_B = 0, so the four constraints are |d(Q)| ≤ c for
  // d = selection(A) − selection(B) and c = eps / max(p_A, p_B); an optimal Q mixes at most two stumps.
  const pA = g.filter((v) => v === 'A').length / n;
  const c = eps / Math.max(pA, 1 - pA);
  const hs = allStumps(x).map((s) => {
    const d = stumpDecisions(x, s);
    const rt = rates(d, y, g);
    return { error: (rt.get('A')!.error * pA + rt.get('B')!.error * (1 - pA)), d: rt.get('A')!.selection - rt.get('B')!.selection };
  });
  let opt = Infinity;
  for (const h of hs) if (Math.abs(h.d) <= c + 1e-12) opt = Math.min(opt, h.error);
  for (let i = 0; i < hs.length; i++) {
    for (let j = i + 1; j < hs.length; j++) {
      const [h1, h2] = [hs[i], hs[j]];
      if (h1.d === h2.d) continue;
      // q·d1 + (1 − q)·d2 ∈ [−c, c], q ∈ [0, 1]; the error is linear in q, so an end is optimal.
      const qa = (-c - h2.d) / (h1.d - h2.d);
      const qb = (c - h2.d) / (h1.d - h2.d);
      const lo = Math.max(0, Math.min(qa, qb));
      const hi = Math.min(1, Math.max(qa, qb));
      if (lo > hi) continue;
      for (const q of [lo, hi]) opt = Math.min(opt, q * h1.error + (1 - q) * h2.error);
    }
  }
  const weights = result.model.weights;
  assert.ok(Math.abs(weights.reduce((s, w) => s + w, 0) - 1) < 1e-12, 'weights sum to 1');
  assert.ok(weights.every((w) => w > 0));
  // Theorem 1 of Agarwal et al. (2018): error within 2·gap of the optimum, violation within (1 + 2·gap)/B.
  assert.ok(result.training.error <= opt + 2 * result.bestGap + 1e-9, `error ${result.training.error} vs optimum ${opt} (gap ${result.bestGap})`);
  assert.ok(result.training.violation <= ((1 + 2 * result.bestGap) * eps) + 1e-9, `violation ${result.training.violation}`);
  // And in practice the LP step lands on the optimum itself.
  assert.ok(result.training.error <= opt + 1e-6, `error ${result.training.error} vs optimum ${opt}`);
  assert.ok(result.training.violation <= 1e-9, `violation ${result.training.violation}`);
});

test('exponentiated gradient with logistic regression satisfies each constraint on the training rows, deterministically', async () => {
  const table = lendingTable(1500, 1);
  const y = labelsOf(table, 'approved', 'yes');
  const groups = groupsOf(table, 'group');
  const features = ['income', 'debt', 'region'];
  const base = await fitUnmitigated(table, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features }).predict(table);
  assert.ok(base.task === 'binary');
  const baseRates = rates(Float64Array.from(base.labels), y, groups);
  assert.ok(spread([...baseRates.values()].map((v) => v.selection)) > 0.15, 'the fixture is biased');
  for (const constraint of CLASSIFICATION_CONSTRAINTS) {
    const eps = 0.02;
    const result = exponentiatedGradient(table, { label: 'approved', sensitive: 'group', constraint, eps, features });
    const model = result.model;
    assert.deepEqual(model.classes, ['no', 'yes']);
    assert.ok(Math.abs(model.weights.reduce((s, w) => s + w, 0) - 1) < 1e-12);
    const p = await model.predict(table);
    assert.ok(p.task === 'binary' && p.scores);
    const rt = [...rates(p.scores[1], y, groups).values()];
    const overall = rates(p.scores[1], y, Array(y.length).fill('all')).get('all')!;
    const tolerance = eps + 2 * result.bestGap + 1e-9;
    // γ is the difference to the overall rate: bound each group's, independently recomputed.
    const check = (values: number[], total: number, what: string) => {
      for (const v of values) assert.ok(Math.abs(v - total) <= tolerance, `${constraint}: ${what} ${v} vs overall ${total}`);
    };
    if (constraint === 'demographic_parity') check(rt.map((v) => v.selection), overall.selection, 'selection rate');
    if (constraint === 'equalized_odds' || constraint === 'true_positive_rate_parity') check(rt.map((v) => v.tpr), overall.tpr, 'TPR');
    if (constraint === 'equalized_odds' || constraint === 'false_positive_rate_parity') check(rt.map((v) => v.fpr), overall.fpr, 'FPR');
    if (constraint === 'error_rate_parity') check(rt.map((v) => v.error), overall.error, 'error rate');
    assert.ok(Math.abs(overall.error - result.training.error) < 1e-12, `${constraint}: reported training error`);
    // Deterministic: the same run gives the same mixture and the same decisions.
    const again = exponentiatedGradient(table, { label: 'approved', sensitive: 'group', constraint, eps, features });
    assert.deepEqual([...again.model.weights], [...model.weights]);
    const q = await again.model.predict(table);
    assert.ok(q.task === 'binary' && q.scores);
    assert.deepEqual([...q.scores[1]], [...p.scores[1]]);
  }
});

test('the best response is the weighted logistic fit: Newton and L-BFGS solutions match fitLogistic', () => {
  const table = lendingTable(800, 4);
  const r = new Random(2);
  const weight = Float64Array.from({ length: table.rowCount }, () => r.next() * 2);
  const features = ['income', 'debt', 'region', 'group'];
  const reference = fitLogistic(table, { label: 'approved', features, weight, C: 0.5, tol: 1e-12, design: {} });
  // fitLogistic's design uses the weights for its means; the oracle's is unweighted, so compare on the reference's design.
  const x = sparseRows(encodeDesign(reference.design, table));
  const y = Float64Array.from(labelsOf(table, 'approved', 'yes'));
  let S = 0;
  for (const w of weight) S += w;
  const w = Float64Array.from(weight, (v) => v / S);
  for (const solver of ['newton', 'lbfgs'] as const) {
    const sol = solveWeightedLogistic(x, y, w, 1 / (0.5 * S), { solver, tol: 1e-10 });
    assert.ok(sol.converged, solver);
    reference.coefficients.forEach((c, j) => assert.ok(Math.abs(sol.theta[j] - c) < 1e-6, `${solver} ${reference.design.names[j]}: ${sol.theta[j]} vs ${c}`));
    assert.ok(Math.abs(sol.theta[sol.theta.length - 1] - reference.intercept) < 1e-6, `${solver} intercept`);
    // A warm start at the solution converges at once.
    const warm = solveWeightedLogistic(x, y, w, 1 / (0.5 * S), { solver, tol: 1e-8, init: sol.theta });
    assert.equal(warm.iterations, 0, `${solver}: warm start`);
  }
  // The bound learner gives the same model as fitLogistic with unit weights (the same design).
  const unweighted = fitLogistic(table, { label: 'approved', features, tol: 1e-12 });
  const fitted = logisticLearner({ tol: 1e-10 }).bind({ table, features, classes: ['no', 'yes'], seed: 0 }).fit(y, new Float64Array(y.length).fill(1));
  const m = fitted.model as unknown as { coefficients: Float64Array; intercept: number };
  unweighted.coefficients.forEach((c, j) => assert.ok(Math.abs(m.coefficients[j] - c) < 1e-6));
  assert.ok(Math.abs(m.intercept - unweighted.intercept) < 1e-6);
});

test('the mixture predicts the weighted share of positive decisions, and seeded draws repeat', async () => {
  const table = lendingTable(400, 8);
  const learner = logisticLearner().bind({ table, features: ['income', 'debt'], classes: ['no', 'yes'], seed: 0 });
  const y = Float64Array.from(labelsOf(table, 'approved', 'yes'));
  const fits = [1, 3, 0.2].map((k) => learner.fit(y, Float64Array.from(y, (v) => (v ? k : 1))));
  const weights = [0.5, 0.3, 0.2];
  const model: MixtureModel = mixtureModel(fits.map((f) => f.model), weights);
  const p = await model.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  for (let i = 0; i < table.rowCount; i++) {
    const expected = fits.reduce((s, f, k) => s + weights[k] * f.train[i], 0);
    assert.ok(Math.abs(p.scores[1][i] - expected) < 1e-15);
    assert.ok(Math.abs(p.scores[0][i] - (1 - expected)) < 1e-15);
    assert.equal(p.labels[i], expected > 0.5 ? 1 : 0);
  }
  const a = await model.predictRandomized(table, 7);
  const b = await model.predictRandomized(table, 7);
  const c = await model.predictRandomized(table, 8);
  assert.ok(a.task === 'binary' && b.task === 'binary' && c.task === 'binary');
  assert.deepEqual([...a.labels], [...b.labels]);
  assert.notDeepEqual([...a.labels], [...c.labels]);
  // A draw is positive only where p > 0 and always where p = 1; its positives track Σ p within 4 sd.
  let mean = 0;
  let variance = 0;
  let positives = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const q = p.scores[1][i];
    if (q === 0) assert.equal(a.labels[i], 0);
    if (q === 1) assert.equal(a.labels[i], 1);
    mean += q;
    variance += q * (1 - q);
    positives += a.labels[i];
  }
  assert.ok(Math.abs(positives - mean) <= 4 * Math.sqrt(variance) + 1e-9, `${positives} positives, expected ${mean}`);
  assert.throws(() => mixtureModel(fits.map((f) => f.model), [0.5, 0.5, 0.1]), /sum to/);
  assert.throws(() => mixtureModel([], []), /at least one/);
});

test('lagrangeGrid spreads Fairlearn\'s grid over the + and − constraints', () => {
  const y = Uint8Array.from([0, 1, 0, 1, 1, 0]);
  const group = Int32Array.from([0, 0, 0, 1, 1, 1]);
  const m = classificationMoments('demographic_parity', y, { groups: ['a', 'b'], group }, 0.01);
  // One dimension (group a; b's constraint is implied), integer points −5..4 scaled by 2/5.
  const grid = lagrangeGrid(m, 10, 2);
  assert.equal(grid.length, 10);
  grid.forEach((lambda, k) => {
    const c = (-5 + k) * 0.4;
    assert.ok(Math.abs(lambda[0] - Math.max(c, 0)) < 1e-15, `+a at ${k}`);
    assert.ok(Math.abs(lambda[2] - Math.max(-c, 0)) < 1e-15, `−a at ${k}`);
    assert.equal(lambda[1], 0);
    assert.equal(lambda[3], 0);
  });
  // Equalized odds over three groups: 4 dimensions; every point has L1 norm ≤ the limit.
  const eo = classificationMoments('equalized_odds', Uint8Array.from([0, 1, 0, 1, 0, 1]), { groups: ['a', 'b', 'c'], group: Int32Array.from([0, 0, 1, 1, 2, 2]) }, 0.01);
  const grid4 = lagrangeGrid(eo, 40, 3);
  assert.equal(grid4.length, 40);
  for (const l of grid4) assert.ok(l.reduce((s, v) => s + v, 0) <= 3 + 1e-12);
  // Bounded group loss: the objective is in the span, so every point has L1 norm exactly the limit.
  const bgl = boundedGroupLoss(Float64Array.from([1, 2, 3]), { groups: ['a', 'b', 'c'], group: Int32Array.from([0, 1, 2]) }, 1);
  for (const l of lagrangeGrid(bgl, 12, 2)) assert.ok(Math.abs(l.reduce((s, v) => s + v, 0) - 2) < 1e-12 && l.every((v) => v >= 0));
});

test('grid search picks the predictor with the best error–violation trade-off', async () => {
  const table = lendingTable(1200, 5);
  const y = labelsOf(table, 'approved', 'yes');
  const groups = groupsOf(table, 'group');
  const result = gridSearch(table, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features: ['income', 'debt', 'region'], gridSize: 12 });
  assert.equal(result.predictors.length, 12);
  const losses = result.predictors.map((p) => 0.5 * p.error + 0.5 * Math.max(...p.gamma));
  assert.equal(result.bestIndex, losses.indexOf(Math.min(...losses)));
  assert.deepEqual(result.predictors.map((p) => p.weight), losses.map((_, k) => (k === result.bestIndex ? 1 : 0)));
  // The chosen model's decisions, measured independently, give the reported error and disparity.
  const p = await result.model.predict(table);
  assert.ok(p.task === 'binary');
  const rt = rates(Float64Array.from(p.labels), y, groups);
  const overall = rates(Float64Array.from(p.labels), y, Array(y.length).fill('all')).get('all')!;
  assert.ok(Math.abs(overall.error - result.training.error) < 1e-12);
  const worst = Math.max(...[...rt.values()].map((v) => Math.abs(v.selection - overall.selection)));
  assert.ok(Math.abs(worst - Math.max(...result.predictors[result.bestIndex].gamma)) < 1e-12);
  // Its disparity is smaller than the unconstrained model's.
  const base = await fitUnmitigated(table, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features: ['income', 'debt', 'region'] }).predict(table);
  assert.ok(base.task === 'binary');
  const baseRates = rates(Float64Array.from(base.labels), y, groups);
  assert.ok(spread([...rt.values()].map((v) => v.selection)) < spread([...baseRates.values()].map((v) => v.selection)));
});

test('bounded group loss with least squares lowers the worst group\'s loss under the bound', async () => {
  const table = lendingTable(1000, 6);
  const features = ['income', 'debt', 'region'];
  const amount = table.column('amount');
  assert.ok(amount.type === 'numeric');
  const groups = groupsOf(table, 'group');
  const groupLoss = (pred: Float64Array) => {
    const out: Record<string, number> = {};
    for (const g of ['A', 'B']) {
      let s = 0;
      let c = 0;
      for (let i = 0; i < pred.length; i++) {
        if (groups[i] !== g) continue;
        s += (pred[i] - amount.values[i]) ** 2;
        c++;
      }
      out[g] = s / c;
    }
    return out;
  };
  const base = await fitUnmitigated(table, { label: 'amount', sensitive: 'group', constraint: 'bounded_group_loss', features, upperBound: 1 }).predict(table);
  assert.ok(base.task === 'regression');
  const before = groupLoss(base.values);
  assert.ok(before.B > before.A, 'group B is noisier');
  // A bound some single fit meets: scan least-squares fits weighting B t times as much as A and
  // take the smallest worst-group loss, plus a quarter of the way back to the unconstrained one.
  const bound0 = linearLearner().bind({ table, features, classes: [], seed: 0 });
  let minimax = Infinity;
  for (let k = -16; k <= 24; k++) {
    const fit = bound0.fit(amount.values, Float64Array.from(groups, (g) => (g === 'B' ? 2 ** (k / 4) : 1)));
    const l = groupLoss(fit.train);
    minimax = Math.min(minimax, Math.max(l.A, l.B));
  }
  assert.ok(minimax < before.B - 0.1, 'weighting helps the worst group');
  const bound = minimax + 0.25 * (before.B - minimax);
  const result = exponentiatedGradient(table, { label: 'amount', sensitive: 'group', constraint: 'bounded_group_loss', features, upperBound: bound, learner: linearLearner() });
  // The mixture's expected loss per group is Σ w_k·γ_k; the worst must not exceed the bound by more than the gap allows.
  const worst = Math.max(...Object.values(result.training.gamma));
  assert.ok(worst <= bound + 2 * result.bestGap + 1e-9, `worst group loss ${worst} vs bound ${bound}`);
  assert.ok(worst < before.B - 1e-3, 'the worst group improved');
  // Predicting the weighted mean has, by convexity, no more loss per group than the mixture's expectation.
  const p = await result.model.predict(table);
  assert.ok(p.task === 'regression');
  const after = groupLoss(p.values);
  assert.ok(Math.max(after.A, after.B) <= worst + 1e-9);
});

test('reductions validate their options and data', () => {
  const table = lendingTable(100, 2);
  const base = { label: 'approved', sensitive: 'group', features: ['income', 'debt'] };
  assert.throws(() => exponentiatedGradient(table, { ...base, constraint: 'demographic_parity_x' as never }), /invalid constraint/);
  assert.throws(() => exponentiatedGradient(table, { ...base, constraint: 'demographic_parity', eps: 0 }), /invalid eps/);
  assert.throws(() => exponentiatedGradient(table, { ...base, constraint: 'demographic_parity', maxIter: 0 }), /invalid maxIter/);
  assert.throws(() => exponentiatedGradient(table, { ...base, constraint: 'demographic_parity', sensitive: 'nope' }), /unknown column/);
  assert.throws(() => exponentiatedGradient(table, { ...base, label: 'amount', constraint: 'bounded_group_loss' }), /upperBound/);
  assert.throws(() => exponentiatedGradient(table, { ...base, constraint: 'demographic_parity', learner: linearLearner() }), /needs a binary classifier/);
  assert.throws(() => gridSearch(table, { ...base, constraint: 'demographic_parity', gridSize: 0 }), /invalid gridSize/);
  assert.throws(() => gridSearch(table, { ...base, constraint: 'demographic_parity', grid: [[1, 2]] }), /need 4/);
  const holes = Table.from({ x: [1, 2, 3, 4], g: ['a', null, 'b', 'a'], y: ['n', 'y', 'n', 'y'] });
  assert.throws(() => exponentiatedGradient(holes, { label: 'y', sensitive: 'g', constraint: 'demographic_parity' }), /no value for the sensitive feature/);
});

test('one group, missing labels and a one-class relabelling are handled', async () => {
  const table = lendingTable(300, 3);
  const approved = table.column('approved');
  assert.ok(approved.type === 'categorical');
  // Missing labels are left out and counted.
  const codes = Int32Array.from(approved.codes, (c, i) => (i % 10 === 0 ? -1 : c));
  const withHoles = table.withColumn({ ...approved, codes });
  const r = exponentiatedGradient(withHoles, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features: ['income', 'debt'] });
  assert.equal(r.droppedRows, 30);
  assert.equal(r.trainingRows, 270);
  // A single group: parity holds trivially; the mixture is the unconstrained fit.
  const one = table.withColumn({ type: 'categorical', name: 'group', codes: new Int32Array(table.rowCount), dictionary: ['all'] });
  const single = exponentiatedGradient(one, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features: ['income', 'debt'] });
  assert.ok(Math.abs(single.training.violation + 0.01) < 1e-12);
});

test('a re-labelling with one class gives a constant predictor', async () => {
  // Every positive is in the minority group A (30% of rows). With λ(+A) = 0.8, A's rows gain
  // 0.8·(1 − 1/0.3) ± 1 < 0 from a positive decision and B's (all negative) gain 0.8 − 1 < 0:
  // every row is re-labelled negative.
  const table = Table.from({ x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], g: ['A', 'A', 'A', 'B', 'B', 'B', 'B', 'B', 'B', 'B'], y: ['yes', 'yes', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no'] });
  const grid = gridSearch(table, { label: 'y', sensitive: 'g', constraint: 'demographic_parity', features: ['x'], grid: [[0.8, 0, 0, 0]] });
  assert.equal(grid.predictors[0].constant, true);
  assert.equal(grid.learnerFits, 0);
  const p = await grid.model.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  assert.deepEqual([...p.labels], Array(10).fill(0));
  assert.deepEqual([...p.scores[0]], Array(10).fill(1));
  assert.equal(constantModel('binary', ['no', 'yes'], 1, []).constant, 1);
  assert.throws(() => constantModel('binary', ['no', 'yes'], 2, []), /class 0 or 1/);
});

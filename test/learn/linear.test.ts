import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, isUserError } from '../../src/index.js';
import { encodeDesign, fitLasso, fitLinear, solveLasso, solveRidge, type DesignMatrix } from '../../src/learn/index.js';
import { gaussian, reference, referenceData } from './fixture.js';

const FEATURES = ['x1', 'x2', 'x3', 'x4', 'cat', 'grp'];

function randomProblem(seed: number, n: number, p: number): { x: DesignMatrix; y: Float64Array; cols: number[][] } {
  const g = gaussian(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1.5;
    for (let j = 0; j < p; j++) {
      data[i * p + j] = g() * (j + 1) + j;
      s += (j % 3 === 0 ? 0 : j - 2) * data[i * p + j];
    }
    y[i] = s + g();
  }
  const cols = Array.from({ length: p }, (_, j) => Array.from({ length: n }, (_, i) => data[i * p + j]));
  return { x: { data, rows: n, cols: p, names: cols.map((_, j) => `x${j}`) }, y, cols };
}

/** Normal equations [1 X]ᵀW[1 X] θ = [1 X]ᵀW y solved by Gaussian elimination with partial pivoting. */
function normalEquations(x: DesignMatrix, y: Float64Array, w?: Float64Array): number[] {
  const p = x.cols + 1;
  const A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < x.rows; i++) {
    const row = [1, ...x.data.subarray(i * x.cols, (i + 1) * x.cols)];
    const wi = w ? w[i] : 1;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) A[a][b] += wi * row[a] * row[b];
      A[a][p] += wi * row[a] * y[i];
    }
  }
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= p; k++) A[r][k] -= f * A[c][k];
    }
  }
  return A.map((row, c) => row[p] / row[c]);
}

test('solveRidge with alpha 0 equals the normal-equations solution on random data to 1e-8', () => {
  const { x, y } = randomProblem(1, 120, 5);
  const w = Float64Array.from({ length: 120 }, (_, i) => 0.5 + (i % 7) / 3);
  for (const weight of [undefined, w]) {
    const sol = solveRidge(x, y, { weight });
    const ne = normalEquations(x, y, weight);
    assert.ok(Math.abs(sol.intercept - ne[0]) < 1e-8);
    sol.coefficients.forEach((c, j) => assert.ok(Math.abs(c - ne[j + 1]) < 1e-8, `coef ${j}: ${c} vs ${ne[j + 1]}`));
  }
});

test('ridge tends to least squares as alpha → 0 and shrinks as alpha grows', () => {
  const { x, y } = randomProblem(2, 80, 4);
  const ols = solveRidge(x, y);
  const tiny = solveRidge(x, y, { alpha: 1e-9 });
  ols.coefficients.forEach((c, j) => assert.ok(Math.abs(c - tiny.coefficients[j]) < 1e-8));
  const norm = (a: Float64Array) => Math.hypot(...a);
  assert.ok(norm(solveRidge(x, y, { alpha: 100 }).coefficients) < norm(solveRidge(x, y, { alpha: 1 }).coefficients));
  assert.ok(norm(solveRidge(x, y, { alpha: 1e9 }).coefficients) < 1e-3);
});

test('fitLinear and fitLinear(alpha) match scikit-learn LinearRegression and Ridge', async () => {
  const ref = reference();
  const t = referenceData();
  const ridge = fitLinear(t, { label: 'y_reg', features: FEATURES, alpha: 1 });
  assert.deepEqual(ridge.design.names, ref.ridge.names);
  ridge.coefficients.forEach((c, j) => assert.ok(Math.abs(c - ref.ridge.coefficients[j]) < 1e-4, ref.ridge.names[j]));
  assert.ok(Math.abs(ridge.intercept - ref.ridge.intercept) < 1e-4);
  // One-hot columns plus an intercept are collinear: compare fitted values, not coefficients.
  const ols = fitLinear(t, { label: 'y_reg', features: FEATURES });
  assert.ok(ols.dropped.length >= 1, 'a redundant one-hot column is dropped');
  const pred = await ols.predict(t);
  const x = encodeDesign(ols.design, t);
  assert.equal(pred.task, 'regression');
  if (pred.task !== 'regression') return;
  for (let i = 0; i < t.rowCount; i++) {
    let v = ref.linear.intercept;
    for (let j = 0; j < x.cols; j++) v += x.data[i * x.cols + j] * ref.linear.coefficients[j];
    assert.ok(Math.abs(pred.values[i] - v) < 1e-8, `row ${i}`);
  }
});

test('fitLasso matches scikit-learn Lasso(alpha=0.1) to 1e-4', () => {
  const ref = reference().lasso;
  const model = fitLasso(referenceData(), { label: 'y_reg', features: FEATURES, alpha: 0.1 });
  assert.ok(model.converged);
  assert.deepEqual(model.design.names, ref.names);
  model.coefficients.forEach((c, j) => assert.ok(Math.abs(c - ref.coefficients[j]) < 1e-4, `${ref.names[j]}: ${c} vs ${ref.coefficients[j]}`));
  assert.ok(Math.abs(model.intercept - ref.intercept) < 1e-4);
});

test('the lasso satisfies the KKT conditions at the optimum and zeroes everything for large alpha', () => {
  const { x, y } = randomProblem(3, 150, 6);
  const n = x.rows;
  for (const alpha of [0.05, 0.5, 3]) {
    const sol = solveLasso(x, y, { alpha });
    assert.ok(sol.converged);
    let zeros = 0;
    for (let j = 0; j < x.cols; j++) {
      // Xⱼᵀ(y − Xw − b)/n
      let g = 0;
      for (let i = 0; i < n; i++) {
        let r = y[i] - sol.intercept;
        for (let k = 0; k < x.cols; k++) r -= x.data[i * x.cols + k] * sol.coefficients[k];
        g += x.data[i * x.cols + j] * r;
      }
      g /= n;
      if (sol.coefficients[j] === 0) {
        zeros++;
        assert.ok(Math.abs(g) <= alpha + 1e-6, `alpha ${alpha}: |g| = ${Math.abs(g)} for a zero coefficient`);
      } else assert.ok(Math.abs(g - alpha * Math.sign(sol.coefficients[j])) < 1e-6, `alpha ${alpha}, coef ${j}: ${g}`);
    }
    if (alpha === 3) assert.ok(zeros >= 1);
  }
  const big = solveLasso(x, y, { alpha: 1e6 });
  assert.ok(big.coefficients.every((c) => c === 0));
  let mean = 0;
  for (const v of y) mean += v / n;
  assert.ok(Math.abs(big.intercept - mean) < 1e-9, 'all-zero lasso predicts the mean');
});

test('weighted linear fits with integer weights equal fits on repeated rows', () => {
  const t = referenceData();
  const w = Float64Array.from({ length: t.rowCount }, (_, i) => i % 3);
  const idx: number[] = [];
  w.forEach((k, i) => {
    for (let r = 0; r < k; r++) idx.push(i);
  });
  for (const fit of [(tb: Table, wt?: Float64Array) => fitLinear(tb, { label: 'y_reg', features: FEATURES, alpha: 2, weight: wt }), (tb: Table, wt?: Float64Array) => fitLasso(tb, { label: 'y_reg', features: FEATURES, alpha: 0.2, weight: wt })]) {
    const a = fit(t, w);
    const b = fit(t.take(idx));
    a.coefficients.forEach((c, j) => assert.ok(Math.abs(c - b.coefficients[j]) < 1e-8));
    assert.ok(Math.abs(a.intercept - b.intercept) < 1e-8);
  }
});

test('one row and constant data give the mean; bad input is a user error', async () => {
  const one = fitLinear(Table.from({ x: [3], y: [7] }), { label: 'y' });
  assert.equal(one.intercept, 7);
  assert.equal(one.task, 'regression');
  const pred = await one.predict(Table.from({ x: [100] }));
  assert.deepEqual(pred.task === 'regression' ? Array.from(pred.values) : [], [7]);
  assert.throws(() => fitLinear(Table.from({ x: [1, 2], y: ['a', 'b'] }), { label: 'y' }), (e) => isUserError(e) && e.code === 'invalid_label');
  assert.throws(() => fitLinear(Table.from({ x: [1, 2], y: [1, 2] }), { label: 'y', alpha: -1 }), (e) => isUserError(e) && e.code === 'invalid_option');
  assert.throws(() => fitLasso(Table.from({ x: [1, 2], y: [null, null] as (number | null)[] }), { label: 'y' }), (e) => isUserError(e) && e.code === 'empty_training_set');
});

test('huge feature values give the same fits as their scaled-down versions', async () => {
  const x = [1, -1, 0.5, -0.5, 0.1, 0];
  const y = [1, 2, 3, 4, 5, 6];
  const small = Table.from({ x, y });
  const huge = Table.from({ x: x.map((v) => v * 1e300), y });
  for (const fit of [(t: Table) => fitLinear(t, { label: 'y' }), (t: Table) => fitLasso(t, { label: 'y', alpha: 0.1 })]) {
    const [a, b] = [await fit(small).predict(small), await fit(huge).predict(huge)];
    assert.ok(a.task === 'regression' && b.task === 'regression');
    a.values.forEach((v, i) => assert.ok(Math.abs(v - b.values[i]) < 1e-9, `row ${i}`));
  }
});

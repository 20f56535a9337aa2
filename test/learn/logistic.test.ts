import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, isUserError, numericColumn, categoricalColumn } from '../../src/index.js';
import { encodeDesign, fitLogistic, minimizeLbfgs, binaryTarget, type LogisticModel } from '../../src/learn/index.js';
import { gaussian, reference, referenceData } from './fixture.js';

const FEATURES = ['x1', 'x2', 'x3', 'x4', 'cat', 'grp'];

/** Gradient of C·Σ wᵢ·logloss + ‖β‖²/2 (scikit-learn's objective), computed independently of the solver. */
function sklearnGradient(model: LogisticModel, table: Table, label: string, weight?: Float64Array): number[] {
  const { data, rows, cols } = encodeDesign(model.design, table);
  const { y } = binaryTarget(table, label, model.classes[1]);
  const g = new Array<number>(cols + 1).fill(0);
  for (let i = 0; i < rows; i++) {
    let z = model.intercept;
    for (let j = 0; j < cols; j++) z += data[i * cols + j] * model.coefficients[j];
    const r = model.C * (weight ? weight[i] : 1) * (1 / (1 + Math.exp(-z)) - y[i]);
    for (let j = 0; j < cols; j++) g[j] += r * data[i * cols + j];
    g[cols] += r;
  }
  for (let j = 0; j < cols; j++) g[j] += model.coefficients[j];
  return g;
}

test('fitLogistic matches scikit-learn LogisticRegression(C=1, lbfgs) to 1e-4', () => {
  const ref = reference();
  const t = referenceData();
  for (const [key, C] of [['logistic', 1], ['logistic_C0.05', 0.05]] as const) {
    const model = fitLogistic(t, { label: 'y_bin', features: FEATURES, C });
    assert.ok(model.converged);
    assert.deepEqual(model.design.names, ref[key].names);
    model.coefficients.forEach((c, j) => assert.ok(Math.abs(c - ref[key].coefficients[j]) < 1e-4, `${key} ${ref[key].names[j]}: ${c} vs ${ref[key].coefficients[j]}`));
    assert.ok(Math.abs(model.intercept - ref[key].intercept) < 1e-4);
  }
});

test('fitLogistic predicts both classes with scores and labels as scikit-learn', async () => {
  const ref = reference().logistic;
  const t = referenceData();
  const model = fitLogistic(t, { label: 'y_bin', features: FEATURES });
  assert.equal(model.task, 'binary');
  assert.deepEqual(model.classes, ['no', 'yes']);
  assert.deepEqual(model.inputs.map((i) => i.name), FEATURES);
  const pred = await model.predict(t);
  assert.equal(pred.task, 'binary');
  if (pred.task !== 'binary') return;
  const [p0, p1] = pred.scores ?? [];
  ref.proba_yes.forEach((p, i) => assert.ok(Math.abs(p1[i] - p) < 1e-6, `row ${i}`));
  for (let i = 0; i < t.rowCount; i++) {
    assert.ok(Math.abs(p0[i] + p1[i] - 1) < 1e-12);
    assert.equal(pred.labels[i], p1[i] > 0.5 ? 1 : 0);
  }
});

test('the gradient of the objective is ~0 at the optimum', () => {
  const t = referenceData();
  const model = fitLogistic(t, { label: 'y_bin', features: FEATURES });
  const g = sklearnGradient(model, t, 'y_bin');
  const norm = Math.hypot(...g);
  assert.ok(norm < 1e-6, `‖∇‖ = ${norm}`);
});

test('a weighted fit with integer weights equals the fit on repeated rows', () => {
  const t = referenceData();
  const w = new Float64Array(t.rowCount);
  const idx: number[] = [];
  for (let i = 0; i < t.rowCount; i++) {
    w[i] = i % 4;
    for (let k = 0; k < w[i]; k++) idx.push(i);
  }
  const weighted = fitLogistic(t, { label: 'y_bin', features: FEATURES, weight: w });
  const repeated = fitLogistic(t.take(idx), { label: 'y_bin', features: FEATURES });
  assert.deepEqual(weighted.design.names, repeated.design.names);
  weighted.coefficients.forEach((c, j) => assert.ok(Math.abs(c - repeated.coefficients[j]) < 1e-7, `${weighted.design.names[j]}`));
  assert.ok(Math.abs(weighted.intercept - repeated.intercept) < 1e-7);
  const g = sklearnGradient(weighted, t, 'y_bin', w);
  assert.ok(Math.hypot(...g) < 1e-6);
});

test('fitLogistic is deterministic and honours the positive class', async () => {
  const t = referenceData();
  const a = fitLogistic(t, { label: 'y_bin', features: ['x1', 'grp'] });
  const b = fitLogistic(t, { label: 'y_bin', features: ['x1', 'grp'] });
  assert.deepEqual(Array.from(a.coefficients), Array.from(b.coefficients));
  const flipped = fitLogistic(t, { label: 'y_bin', features: ['x1', 'grp'], positive: 'no' });
  assert.deepEqual(flipped.classes, ['yes', 'no']);
  a.coefficients.forEach((c, j) => assert.ok(Math.abs(c + flipped.coefficients[j]) < 1e-8));
});

test('separable data stays finite thanks to the L2 penalty; rows with a missing label are skipped', async () => {
  const t = new Table([numericColumn('x', [-2, -1, 1, 2, 0]), categoricalColumn('y', ['n', 'n', 'p', 'p', null])]);
  const model = fitLogistic(t, { label: 'y', features: ['x'] });
  assert.ok(Number.isFinite(model.coefficients[0]) && model.coefficients[0] > 0);
  const pred = await model.predict(t);
  assert.deepEqual(Array.from(pred.task === 'binary' ? pred.labels : []).slice(0, 4), [0, 0, 1, 1]);
  assert.ok(Math.abs(model.intercept) < 1e-8, 'symmetric data: intercept 0');
});

test('fitLogistic reports bad input as user errors', () => {
  const t = Table.from({ x: [1, 2, 3], y: ['a', 'b', 'c'], one: ['a', 'a', 'a'] });
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isUserError(e) ? e.code : 'not a user error';
    }
    return 'no error';
  };
  assert.equal(code(() => fitLogistic(t, { label: 'y', features: ['x'] })), 'invalid_label');
  assert.equal(code(() => fitLogistic(t, { label: 'one', features: ['x'] })), 'invalid_label');
  assert.equal(code(() => fitLogistic(t, { label: 'y', features: ['x'], C: 0 })), 'invalid_label');
  assert.equal(code(() => fitLogistic(Table.from({ x: [1, 2], y: ['a', 'b'] }), { label: 'y', features: ['x'], C: -1 })), 'invalid_option');
  assert.equal(code(() => fitLogistic(Table.from({ x: [1, 2], y: ['a', 'b'] }), { label: 'y', features: ['x'], positive: 'c' })), 'unknown_class');
});

test('minimizeLbfgs finds the minimum of the Rosenbrock function', () => {
  const r = minimizeLbfgs(
    (x, g) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
    new Float64Array([-1.2, 1]),
    { maxIter: 500, gradTol: 1e-10 },
  );
  assert.ok(r.converged);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8 && Math.abs(r.x[1] - 1) < 1e-8);
});

test('a one-feature fit on random data matches the 1-D Newton solution', () => {
  const g = gaussian(7);
  const n = 200;
  const x = Array.from({ length: n }, () => g());
  const y = x.map((v) => (v + 0.7 * g() > 0.2 ? 'p' : 'n'));
  const t = Table.from({ x, y });
  const model = fitLogistic(t, { label: 'y', features: ['x'], design: { standardize: false }, C: 10 });
  // Newton on (β, b) for C·Σ logloss + β²/2.
  let beta = 0;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let g0 = beta;
    let g1 = 0;
    let h00 = 1;
    let h01 = 0;
    let h11 = 0;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(beta * x[i] + b)));
      const r = 10 * (p - (y[i] === 'p' ? 1 : 0));
      const h = 10 * p * (1 - p);
      g0 += r * x[i];
      g1 += r;
      h00 += h * x[i] * x[i];
      h01 += h * x[i];
      h11 += h;
    }
    const det = h00 * h11 - h01 * h01;
    beta -= (h11 * g0 - h01 * g1) / det;
    b -= (h00 * g1 - h01 * g0) / det;
  }
  assert.ok(Math.abs(model.coefficients[0] - beta) < 1e-8);
  assert.ok(Math.abs(model.intercept - b) < 1e-8);
});

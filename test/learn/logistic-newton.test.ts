// fitLogistic solves its objective by Newton's method: the same solution as L-BFGS on the same
// objective to the solvers' tolerance, with weights and with rows that have no label, and a
// gradient of the objective (written out here) that vanishes at its solution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic } from '../../src/learn/index.js';
import { encodeDesign } from '../../src/learn/design.js';
import { solveWeightedLogistic, sparseRows } from '../../src/learn/logistic-solver.js';
import { Random, Table } from '../../src/index.js';

function loans(n: number, seed: number): Table {
  const r = new Random(seed);
  const income: number[] = [];
  const region: (string | null)[] = [];
  const years: number[] = [];
  const repaid: (string | null)[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const inc = r.normal(50, 15);
    const reg = ['north', 'south', 'east', 'west'][r.int(4)];
    const yrs = r.int(30);
    const z = 0.06 * (inc - 50) + (reg === 'south' ? -0.7 : 0.2) + 0.03 * yrs + r.normal(0, 1);
    income.push(inc);
    region.push(i % 41 === 3 ? null : reg);
    years.push(yrs);
    repaid.push(i % 37 === 11 ? null : z > 0 ? 'yes' : 'no');
    w.push(0.25 + 2 * r.next());
  }
  return Table.from({ income, region, years, repaid, w });
}

const features = ['income', 'region', 'years'];

for (const weight of [undefined, 'w'] as const) {
  test(`Newton reaches L-BFGS's solution${weight ? ', with row weights' : ''} and rows without a label`, () => {
    const t = loans(1500, 7);
    const fast = fitLogistic(t, { label: 'repaid', features, weight });
    assert.ok(fast.converged);
    // L-BFGS on the same objective: (1/S)·Σ wᵢ·logloss + ‖β‖²/(2·S) over the labelled rows (C = 1).
    const x = encodeDesign(fast.design, t);
    const label = t.column('repaid') as { codes: Int32Array; dictionary: readonly string[] };
    const wv = weight ? (t.column('w') as { values: Float64Array }).values : null;
    let total = 0;
    for (let i = 0; i < x.rows; i++) if (label.codes[i] >= 0) total += wv ? wv[i] : 1;
    const w = Float64Array.from({ length: x.rows }, (_, i) => (label.codes[i] < 0 ? 0 : (wv ? wv[i] : 1) / total));
    const target = Float64Array.from({ length: x.rows }, (_, i) => (label.codes[i] >= 0 && label.dictionary[label.codes[i]] === 'yes' ? 1 : 0));
    const reference = solveWeightedLogistic(sparseRows(x), target, w, 1 / total, { solver: 'lbfgs', tol: 1e-10 });
    assert.ok(reference.converged);
    for (let j = 0; j < fast.coefficients.length; j++) assert.ok(Math.abs(fast.coefficients[j] - reference.theta[j]) < 1e-5, `coefficient ${j}: ${fast.coefficients[j]} vs ${reference.theta[j]}`);
    assert.ok(Math.abs(fast.intercept - reference.theta[x.cols]) < 1e-5, 'intercept');

    // At the solution the gradient of (1/S)·Σ wᵢ·logloss + ‖β‖²/(2·C·S) vanishes (C = 1).
    const y = label;
    const grad = new Float64Array(x.cols + 1);
    let S = 0;
    for (let i = 0; i < x.rows; i++) {
      if (y.codes[i] < 0) continue;
      const wi = wv ? wv[i] : 1;
      S += wi;
      let z = fast.intercept;
      for (let j = 0; j < x.cols; j++) z += x.data[i * x.cols + j] * fast.coefficients[j];
      const r = wi * (1 / (1 + Math.exp(-z)) - (y.dictionary[y.codes[i]] === 'yes' ? 1 : 0));
      for (let j = 0; j < x.cols; j++) grad[j] += r * x.data[i * x.cols + j];
      grad[x.cols] += r;
    }
    for (let j = 0; j < x.cols; j++) grad[j] = grad[j] / S + fast.coefficients[j] / S;
    grad[x.cols] /= S;
    for (const g of grad) assert.ok(Math.abs(g) < 1e-8, `gradient component ${g}`);
  });
}

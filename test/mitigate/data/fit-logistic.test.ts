// fitLogisticNewton fits fitLogistic's model (the same weighted design, objective and classes)
// by Newton's method: the same probabilities to the solvers' tolerance, with weights and with
// rows that have no label, and a gradient of the objective that vanishes at its solution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic } from '../../../src/learn/index.js';
import { encodeDesign } from '../../../src/learn/design.js';
import { fitLogisticNewton } from '../../../src/mitigate/data/index.js';
import { Random, Table } from '../../../src/index.js';

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
  test(`the same model as fitLogistic${weight ? ', with row weights' : ''} and rows without a label`, async () => {
    const t = loans(1500, 7);
    const reference = fitLogistic(t, { label: 'repaid', features, weight });
    const fast = fitLogisticNewton(t, { label: 'repaid', features, weight });
    assert.deepEqual(fast.classes, reference.classes);
    assert.deepEqual(fast.design.names, reference.design.names, 'the same design columns');
    assert.ok(fast.converged);
    const [a, b] = [await reference.predict(t), await fast.predict(t)];
    assert.ok(a.task === 'binary' && b.task === 'binary' && a.scores && b.scores);
    let worst = 0;
    for (let i = 0; i < t.rowCount; i++) worst = Math.max(worst, Math.abs(a.scores[1][i] - b.scores[1][i]));
    assert.ok(worst < 1e-6, `largest probability difference ${worst}`);
    for (let j = 0; j < fast.coefficients.length; j++) assert.ok(Math.abs(fast.coefficients[j] - reference.coefficients[j]) < 1e-5, `coefficient ${j}`);

    // At the solution the gradient of (1/S)·Σ wᵢ·logloss + ‖β‖²/(2·C·S) vanishes (C = 1).
    const x = encodeDesign(fast.design, t);
    const y = t.column('repaid') as { codes: Int32Array; dictionary: readonly string[] };
    const wv = weight ? (t.column('w') as { values: Float64Array }).values : null;
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

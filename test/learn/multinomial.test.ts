import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, isUserError } from '../../src/index.js';
import { encodeDesign, fitLogistic, fitMultinomial } from '../../src/learn/index.js';
import { reference, referenceData } from './fixture.js';

const FEATURES = ['x1', 'x2', 'x3', 'x4', 'cat', 'grp'];

test('fitMultinomial matches scikit-learn LogisticRegression(multi_class="multinomial", C=0.5) to 1e-4', async () => {
  const ref = reference().multinomial;
  const t = referenceData();
  const model = fitMultinomial(t, { label: 'y_cls', features: FEATURES, C: 0.5 });
  assert.ok(model.converged);
  assert.equal(model.task, 'multiclass');
  assert.deepEqual(model.classes, ref.classes);
  assert.deepEqual(model.design.names, ref.names);
  for (let k = 0; k < 3; k++) {
    model.coefficients[k].forEach((c, j) => assert.ok(Math.abs(c - ref.coefficients[k][j]) < 1e-4, `class ${k} ${ref.names[j]}`));
    assert.ok(Math.abs(model.intercepts[k] - ref.intercept[k]) < 1e-4);
  }
  const p = await model.predict(t);
  assert.ok(p.task === 'multiclass' && p.scores);
  for (let i = 0; i < t.rowCount; i++) {
    let sum = 0;
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(p.scores[k][i] - ref.proba[k][i]) < 1e-4);
      sum += p.scores[k][i];
    }
    assert.ok(Math.abs(sum - 1) < 1e-12);
  }
});

test('the multinomial gradient is ~0 at the optimum and coefficients sum to 0 over classes', () => {
  const t = referenceData();
  const model = fitMultinomial(t, { label: 'y_cls', features: FEATURES, C: 0.5 });
  const { data, rows, cols } = encodeDesign(model.design, t);
  const col = t.column('y_cls');
  assert.ok(col.type === 'categorical');
  const K = 3;
  const grad = Array.from({ length: K }, () => new Array<number>(cols + 1).fill(0));
  for (let i = 0; i < rows; i++) {
    const z = model.coefficients.map((c, k) => model.intercepts[k] + c.reduce((s, v, j) => s + v * data[i * cols + j], 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    const yk = model.classes.indexOf(col.dictionary[col.codes[i]]);
    for (let k = 0; k < K; k++) {
      const r = 0.5 * (e[k] / s - (k === yk ? 1 : 0));
      for (let j = 0; j < cols; j++) grad[k][j] += r * data[i * cols + j];
      grad[k][cols] += r;
    }
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < cols; j++) grad[k][j] += model.coefficients[k][j];
  const norm = Math.hypot(...grad.flat());
  assert.ok(norm < 1e-6, `‖∇‖ = ${norm}`);
  // The penalty picks the symmetric solution: Σ_k β_k = 0.
  for (let j = 0; j < cols; j++) assert.ok(Math.abs(model.coefficients.reduce((s, c) => s + c[j], 0)) < 1e-8);
});

test('with two classes the multinomial model gives the binary model with C doubled', async () => {
  const t = referenceData();
  const bin = fitLogistic(t, { label: 'y_bin', features: FEATURES, C: 2 });
  const multi = fitMultinomial(t, { label: 'y_bin', features: FEATURES, C: 1 });
  assert.equal(multi.task, 'binary');
  multi.coefficients[1].forEach((c, j) => assert.ok(Math.abs(c - multi.coefficients[0][j] - bin.coefficients[j]) < 1e-6));
  const [pb, pm] = [await bin.predict(t), await multi.predict(t)];
  assert.ok(pb.task === 'binary' && pm.task === 'binary');
  for (let i = 0; i < t.rowCount; i++) assert.ok(Math.abs(pb.scores![1][i] - pm.scores![1][i]) < 1e-7);
});

test('fitMultinomial rejects a single class', () => {
  assert.throws(() => fitMultinomial(Table.from({ x: [1, 2], y: ['a', 'a'] }), { label: 'y' }), (e) => isUserError(e) && e.code === 'invalid_label');
});

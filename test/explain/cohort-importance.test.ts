import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cohortImportance, isUserError, jsModel, kernelShap, Random, shapImportance, Table } from '../../src/index.js';

const table = Table.from({ age: [20, 30, 40, 50, 60, 70], sex: ['F', 'M', 'F', 'M', 'F', null] });
const shap = {
  features: ['age', 'sex'],
  rows: 6,
  values: [Float64Array.of(1, -2, -3, 4, 5, 6, -7, 8, 9, -10, 11, 12)],
  expectedValue: [0],
};

test('shapImportance is mean |SHAP| per feature, over all or some explained rows', () => {
  assert.deepEqual(shapImportance(shap), [[(1 + 3 + 5 + 7 + 9 + 11) / 6, (2 + 4 + 6 + 8 + 10 + 12) / 6]]);
  assert.deepEqual(shapImportance(shap, [1, 4]), [[(3 + 9) / 2, (4 + 10) / 2]]);
});

test('cohortImportance puts each cohort’s mean |SHAP| beside the overall one', () => {
  const r = cohortImportance(shap, table, [
    { name: 'women', expression: "sex = 'F'" },
    { name: 'old', expression: 'age >= 50' },
    { name: 'nobody', expression: 'age > 100' },
  ]);
  assert.deepEqual(r.features, ['age', 'sex']);
  assert.deepEqual(r.outputs, ['0']);
  assert.deepEqual(r.overall, { rows: 6, meanAbs: shapImportance(shap) });
  assert.deepEqual(r.cohorts[0], { name: 'women', expression: "sex = 'F'", rows: 3, meanAbs: [[(1 + 5 + 9) / 3, (2 + 6 + 10) / 3]] });
  assert.deepEqual(r.cohorts[1].meanAbs, [[(7 + 9 + 11) / 3, (8 + 10 + 12) / 3]]);
  assert.deepEqual(r.cohorts[2], { name: 'nobody', expression: 'age > 100', rows: 0, meanAbs: null, reason: 'no explained row is in the cohort' });
});

test('cohortImportance evaluates cohorts on data rows of a sample', () => {
  const sampled = { ...shap, rows: 2, values: [Float64Array.of(1, 1, 3, 3)], rowIndices: [5, 0], outputs: ['yes'] };
  const r = cohortImportance(sampled, table, [{ name: 'women', expression: "sex = 'F'" }]);
  assert.deepEqual(r.cohorts[0].meanAbs, [[3, 3]]);
  assert.deepEqual(r.outputs, ['yes']);
  assert.throws(() => cohortImportance(shap, table.take([0, 1]), []), (e: unknown) => isUserError(e) && /the table has 2 rows but the SHAP values explain 6/.test((e as Error).message));
  assert.throws(() => cohortImportance({ ...sampled, rowIndices: [9, 0] }, table, []), (e: unknown) => isUserError(e) && /explain data row 9/.test((e as Error).message));
});

test('cohortImportance shows a feature that matters only inside a cohort', async () => {
  // y depends on x only for group b: x's importance is large in b, zero in a.
  const rng = new Random(1);
  const n = 60;
  const data = Table.from({ x: Array.from({ length: n }, () => rng.normal()), g: Array.from({ length: n }, (_, i) => (i % 2 ? 'b' : 'a')) });
  const model = jsModel({ task: 'regression', inputs: ['x', { name: 'g', type: 'categorical' }], predict: (rows) => rows.map((r) => (r.g === 'b' ? 3 * (r.x as number) : 0)) });
  const result = await kernelShap(model, data, { background: { sample: 20 } });
  const r = cohortImportance(result, data, [
    { name: 'a', expression: "g = 'a'" },
    { name: 'b', expression: "g = 'b'" },
  ]);
  const [ia, ib] = r.cohorts.map((c) => c.meanAbs![0][0]);
  assert.ok(ib > 1, `x in b: ${ib}`);
  // In group a, x matters only through the half of the background in group b.
  assert.ok(ia < ib / 2, `x in a: ${ia} vs b: ${ib}`);
});

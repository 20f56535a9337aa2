import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainRow, isUserError, jsModel, kernelShap, parseXgboostModel, shapTreesFromXgboost, Table, treeShap } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';

const table = Table.from({ a: [1, -2, 3], b: ['x', 'y', null], c: [0.5, 0.25, -4] });
// Hand-made SHAP values (two outputs) for the three rows.
const shap = {
  features: ['a', 'b', 'c'],
  rows: 3,
  values: [Float64Array.of(0.1, -0.7, 0.3, 2, 0, -1, 0, 0, 0), Float64Array.of(-0.1, 0.7, -0.3, 0, 0.5, 0, 1, 1, 1)],
  expectedValue: [1, -1],
  outputs: ['lo', 'hi'],
};

test('explainRow lists the largest contributions first with the row’s values, and sums the rest', () => {
  const r = explainRow(shap, table, 0, { top: 2, output: 'lo' });
  assert.deepEqual(r, {
    row: 0,
    output: 'lo',
    expectedValue: 1,
    prediction: 1 + 0.1 - 0.7 + 0.3,
    contributions: [
      { feature: 'b', value: 'x', contribution: -0.7 },
      { feature: 'c', value: 0.5, contribution: 0.3 },
    ],
    rest: { features: 1, contribution: 0.1 },
  });
  assert.equal(explainRow(shap, table, 0).rest, null);
});

test('explainRow explains the largest output by default (the predicted class) and reads missing values as null', () => {
  // Row 2: lo = 1 + 0 = 1, hi = −1 + 3 = 2.
  const r = explainRow(shap, table, 2);
  assert.equal(r.output, 'hi');
  assert.equal(r.prediction, 2);
  assert.deepEqual(r.contributions.map((c) => [c.feature, c.value]), [['a', 3], ['b', null], ['c', -4]]);
  assert.equal(explainRow(shap, table, 1, { output: 1 }).output, 'hi');
});

test('explainRow maps data rows through the explained rows of a sample and names mistakes', () => {
  const sampled = { ...shap, rows: 1, values: [Float64Array.of(5, 6, 7)], expectedValue: [0], outputs: undefined, rowIndices: [2] };
  assert.equal(explainRow(sampled, table, 2).prediction, 18);
  assert.equal(explainRow(sampled, table, 2).output, '0');
  const fails = (f: () => unknown, code: string, pattern: RegExp) => assert.throws(f, (e: unknown) => isUserError(e) && e.code === code && pattern.test((e as Error).message));
  fails(() => explainRow(sampled, table, 0), 'row_not_explained', /row 0 was not explained/);
  fails(() => explainRow(shap, table, 3), 'invalid_option', /invalid row: 3 \(the data have 3 rows, 0\.\.2\)/);
  fails(() => explainRow(shap, table, 0, { output: 'mid' }), 'invalid_option', /unknown output: "mid"/);
  fails(() => explainRow(shap, table, 0, { top: 0 }), 'invalid_option', /invalid top: 0/);
});

test('explainRow works on TreeSHAP and KernelSHAP results: the prediction is the model output', async () => {
  const dir = join(ROOT, 'test', 'fixtures', 'xgboost');
  const model = parseXgboostModel(JSON.parse(readFileSync(join(dir, 'binary.model.json'), 'utf8')));
  const fixture = JSON.parse(readFileSync(join(dir, 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][]; predictions: number[] };
  const cols: Record<string, (number | null)[]> = {};
  fixture.features.forEach((f, j) => (cols[f] = fixture.rows.slice(0, 20).map((r) => r[j])));
  const data = Table.from(cols);
  const logit = (p: number) => Math.log(p / (1 - p));
  const tree = explainRow(treeShap(shapTreesFromXgboost(model.booster), data), data, 4, { top: 2 });
  assert.ok(Math.abs(tree.prediction - logit(fixture.predictions[4])) < 1e-5);
  assert.equal(tree.contributions.length, 2);
  assert.ok(Math.abs(tree.contributions[0].contribution) >= Math.abs(tree.contributions[1].contribution));
  const kernel = explainRow(await kernelShap(model, data, { rows: [4, 9] }), data, 9);
  assert.equal(kernel.output, '1');
  assert.ok(Math.abs(kernel.prediction - logit(fixture.predictions[9])) < 1e-5);
  const js = jsModel({ task: 'regression', inputs: ['a'], predict: (rows) => rows.map((r) => 2 * (r.a as number)) });
  const single = explainRow(await kernelShap(js, table), table, 1);
  // One feature: its contribution is f(x) − mean f(background) = 2 (x − mean a).
  assert.deepEqual(single.contributions.map((c) => [c.feature, c.value]), [['a', -2]]);
  assert.ok(Math.abs(single.contributions[0].contribution - 2 * (-2 - 2 / 3)) < 1e-12);
});

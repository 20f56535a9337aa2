import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, type Model } from '../../src/index.js';
import { loadOnnxModel } from '../../src/adapters/onnx.js';
import { decodeOnnxModel } from '../../src/learn/onnx-read.js';
import {
  constantModel,
  exponentiatedGradient,
  gbdtLearner,
  gridSearch,
  linearLearner,
  logisticLearner,
  mixtureModel,
  mixtureToOnnx,
  reductionToOnnx,
} from '../../src/mitigate/index.js';
import { tempDir } from '../helpers/cli.js';
import { lendingTable } from './reductions-fixture.js';

const TOL = 1e-5;

/** Every value the graph makes is used (onnxruntime warns on stderr about unused constants and initializers). */
function assertNoUnusedValues(bytes: Uint8Array, what: string): void {
  const { graph } = decodeOnnxModel(bytes);
  const used = new Set([...graph.nodes.flatMap((n) => n.inputs), ...graph.outputs.map((o) => o.name)]);
  const made = [...graph.initializers.keys(), ...graph.nodes.filter((n) => n.op === 'Constant').flatMap((n) => n.outputs)];
  assert.deepEqual(made.filter((v) => !used.has(v)), [], `${what}: unused values`);
}

/** Writes `bytes`, loads them through onnxruntime-node and checks they predict as `model` does on `table`. */
async function roundTrip(model: Model, bytes: Uint8Array, table: Table, what: string): Promise<void> {
  assertNoUnusedValues(bytes, what);
  const dir = tempDir('candor-reductions-');
  const file = join(dir, 'model.onnx');
  try {
    writeFileSync(file, bytes);
    const onnx = await loadOnnxModel(file);
    try {
      const expected = await model.predict(table);
      const actual = await onnx.predict(table);
      assert.equal(actual.task, expected.task, what);
      if (expected.task === 'regression' || actual.task === 'regression') {
        assert.ok(expected.task === 'regression' && actual.task === 'regression');
        for (let i = 0; i < table.rowCount; i++) assert.ok(Math.abs(actual.values[i] - expected.values[i]) <= TOL * Math.max(1, Math.abs(expected.values[i])), `${what}: row ${i} ${actual.values[i]} vs ${expected.values[i]}`);
        return;
      }
      assert.deepEqual(actual.classes, expected.classes, `${what}: classes`);
      assert.ok(actual.scores && expected.scores);
      for (let i = 0; i < table.rowCount; i++) {
        for (let k = 0; k < 2; k++) assert.ok(Math.abs(actual.scores[k][i] - expected.scores[k][i]) <= TOL, `${what}: row ${i} class ${k}: ${actual.scores[k][i]} vs ${expected.scores[k][i]}`);
        assert.equal(actual.labels[i], expected.labels[i], `${what}: label of row ${i}`);
      }
    } finally {
      await onnx.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const features = ['income', 'debt', 'region', 'group'];

test('an exponentiated-gradient mixture of logistic models round-trips through onnxruntime (missing values included)', async () => {
  const train = lendingTable(1200, 31);
  const test_ = lendingTable(500, 32);
  const r = exponentiatedGradient(train, { label: 'approved', sensitive: 'group', constraint: 'equalized_odds', features, eps: 0.02 });
  assert.ok(r.model.predictors.length >= 2, 'a real mixture');
  const bytes = mixtureToOnnx(r.model);
  await roundTrip(r.model, bytes, test_, 'logistic mixture');
  // The predictors share one design: its encoding is in the graph once, not once per predictor.
  const count = (b: Uint8Array, op: string) => Buffer.from(b).toString('latin1').split(op).length - 1;
  const single = reductionToOnnx(r.model.predictors[0]);
  assert.equal(count(single, 'Imputer'), 2);
  assert.equal(count(bytes, 'Imputer'), 2, 'one Imputer per numeric column');
  assert.equal(count(bytes, 'LinearClassifier'), r.model.predictors.length, 'one classifier per predictor');
});

test('a mixture of gradient-boosted models and grid search\'s best model round-trip too', async () => {
  const train = lendingTable(800, 33);
  const test_ = lendingTable(300, 34);
  const eg = exponentiatedGradient(train, { label: 'approved', sensitive: 'group', constraint: 'demographic_parity', features, learner: gbdtLearner({ maxIter: 15 }), maxIter: 8 });
  await roundTrip(eg.model, reductionToOnnx(eg.model), test_, 'gbdt mixture');
  const gs = gridSearch(train, { label: 'approved', sensitive: 'group', constraint: 'true_positive_rate_parity', features, learner: logisticLearner(), gridSize: 6 });
  assert.equal(gs.model.name, 'logistic');
  await roundTrip(gs.model, reductionToOnnx(gs.model), test_, 'grid search');
});

test('a regression mixture (bounded group loss) round-trips as the weighted mean', async () => {
  const train = lendingTable(600, 35);
  const test_ = lendingTable(200, 36);
  const r = exponentiatedGradient(train, { label: 'amount', sensitive: 'group', constraint: 'bounded_group_loss', features: ['income', 'debt', 'region'], upperBound: 2.6, learner: linearLearner() });
  // However many predictors the run kept, check a mixture of three with known weights as well.
  await roundTrip(r.model, reductionToOnnx(r.model), test_, 'bounded group loss');
  const bound = linearLearner().bind({ table: train, features: ['income', 'debt', 'region'], classes: [], seed: 0 });
  const amount = train.column('amount');
  assert.ok(amount.type === 'numeric');
  const fits = [1, 4, 9].map((k) => bound.fit(amount.values, Float64Array.from({ length: train.rowCount }, (_, i) => 1 + (i % k))).model);
  const mixture = mixtureModel([...fits, constantModel('regression', [], 10, fits[0].inputs)], [0.2, 0.3, 0.4, 0.1]);
  await roundTrip(mixture, mixtureToOnnx(mixture), test_, 'regression mixture with a constant');
});

test('constant predictors export: alone (grid search) and inside a mixture', async () => {
  const table = lendingTable(300, 37);
  const bound = logisticLearner().bind({ table, features, classes: ['no', 'yes'], seed: 0 });
  const approved = table.column('approved');
  assert.ok(approved.type === 'categorical');
  const y = Float64Array.from(approved.codes, (c) => (approved.dictionary[c] === 'yes' ? 1 : 0));
  const fitted = bound.fit(y, new Float64Array(y.length).fill(1)).model;
  const inputs = fitted.inputs;
  const positive = constantModel('binary', ['no', 'yes'], 1, inputs);
  const negative = constantModel('binary', ['no', 'yes'], 0, inputs);
  await roundTrip(positive, reductionToOnnx(positive), table, 'constant positive');
  await roundTrip(mixtureModel([negative, positive], [0.25, 0.75]), mixtureToOnnx(mixtureModel([negative, positive], [0.25, 0.75])), table, 'mixture of constants');
  // p = 0.5 exactly on rows the logistic model rejects: a tie, which goes to the negative class.
  const tie = mixtureModel([fitted, positive, negative], [0.25, 0.5, 0.25]);
  const p = await tie.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  assert.ok(p.scores[1].some((v) => v === 0.5), 'some rows tie');
  await roundTrip(tie, mixtureToOnnx(tie), table, 'mixture with constants and ties');
});

test('mixtureToOnnx rejects predictors it cannot export', () => {
  const js: Model = { name: 'js', task: 'binary', classes: ['no', 'yes'], inputs: [{ name: 'x', type: 'numeric' }], predict: async () => ({ task: 'binary', classes: ['no', 'yes'], labels: new Int32Array(0), scores: null }) };
  assert.throws(() => mixtureToOnnx(mixtureModel([js], [1])), /not a built-in model/);
  assert.throws(() => reductionToOnnx(js), /cannot export/);
});

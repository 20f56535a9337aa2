import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Table, type Model, type Predictions } from '../../src/index.js';
import { fitGbdt, fitLinear, fitLogistic, fitMultinomial, fitTree, toOnnx, type GbdtModel, type TreeModel } from '../../src/learn/index.js';
import { loadOnnxModel } from '../../src/adapters/onnx.js';
import { readTable } from '../../src/node.js';
import { gaussian } from './fixture.js';

const TOL = 1e-5;

/** A seeded table: numeric (with NaN), boolean (with missing), categorical (with missing) features and three labels. */
function makeTable(n: number, seed: number): Table {
  const g = gaussian(seed);
  const x1: (number | null)[] = [];
  const x2: number[] = [];
  const flag: (boolean | null)[] = [];
  const color: (string | null)[] = [];
  const yes: string[] = [];
  const species: string[] = [];
  const price: number[] = [];
  const colors = ['red', 'green', 'blue', 'violet'];
  for (let i = 0; i < n; i++) {
    const a = g() * 3 + 10;
    const b = g() * 100;
    const f = g() > 0.2;
    const c = colors[Math.floor(Math.abs(g() * 10)) % colors.length];
    const effect = { red: 1, green: -1, blue: 0.5, violet: -0.2 }[c]!;
    const z = 0.6 * (a - 10) + 0.01 * b + (f ? 0.8 : -0.3) + effect + g();
    x1.push(i % 11 === 3 ? null : a);
    x2.push(b);
    flag.push(i % 13 === 5 ? null : f);
    color.push(i % 9 === 4 ? null : c);
    yes.push(z > 0.3 ? 'yes' : 'no');
    species.push(z < -0.5 ? 'setosa' : z < 1 ? 'versicolor' : 'virginica');
    price.push(50 + 10 * z + g());
  }
  return Table.from({ x1, x2, flag, color, yes, species, price });
}

/** The same features with an unseen category, NaNs and missing values everywhere. */
function oddTable(): Table {
  return Table.from({
    x1: [NaN, 12, null, 8, 1e6],
    x2: [0, NaN, 5, -1e6, 3],
    flag: [null, true, false, null, true],
    color: ['orange', null, 'red', 'blue', 'purple'],
  });
}

const FEATURES = ['x1', 'x2', 'flag', 'color'];

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tol = TOL * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ONNX ${actual[i]} vs model ${expected[i]}`);
  }
}

function samePredictions(got: Predictions, want: Predictions): void {
  assert.equal(got.task, want.task);
  if (want.task === 'regression') {
    assert.ok(got.task === 'regression');
    close(got.values, want.values, 'values');
    return;
  }
  assert.ok(got.task !== 'regression');
  assert.deepEqual(got.classes, want.classes);
  assert.deepEqual(Array.from(got.labels), Array.from(want.labels));
  assert.ok(got.scores && want.scores);
  want.scores.forEach((s, k) => close(got.scores![k], s, `scores[${k}]`));
}

/** Exports `model`, loads the file with no feature list and compares predictions on every table. */
async function roundTrip(model: Model & Parameters<typeof toOnnx>[0], tables: Table[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-to-onnx-'));
  const file = path.join(dir, 'model.onnx');
  try {
    writeFileSync(file, toOnnx(model));
    const onnx = await loadOnnxModel(file);
    try {
      assert.equal(onnx.inputLayout, null, 'one input per column');
      // Inputs follow the table's columns: text columns are strings, numeric and boolean ones numbers
      // (also when the model reads their values as categories).
      assert.deepEqual(
        onnx.inputs.map((i) => [i.name, i.type]),
        model.inputs.map((i) => [i.name, tables[0].column(i.name).type === 'categorical' ? 'categorical' : 'numeric']),
      );
      for (const t of tables) samePredictions(await onnx.predict(t), await model.predict(t));
    } finally {
      await onnx.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function categorySplits(model: GbdtModel): number {
  let n = 0;
  for (const iteration of model.trees) for (const tree of iteration) for (const nd of tree.nodes) if (nd.categories !== null) n++;
  return n;
}

const train = makeTable(400, 7);
const holdout = makeTable(150, 8);

test('toOnnx round-trips a logistic regression (imputation, standardisation, missing category, unseen category)', async () => {
  const model = fitLogistic(train, { label: 'yes', features: FEATURES });
  assert.ok(model.design.columns.some((c) => c.kind === 'categorical' && c.missingIndex >= 0), 'the design has a Missing category');
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a logistic regression with missing indicators, no standardisation and all-zero missing categories', async () => {
  const model = fitLogistic(train, { label: 'yes', features: FEATURES, design: { standardize: false, missingIndicator: true, categoricalMissing: 'zeros' } });
  assert.ok(model.design.columns.some((c) => c.kind === 'numeric' && c.indicator));
  await roundTrip(model, [train, oddTable()]);
});

test('toOnnx round-trips a multinomial logistic regression', async () => {
  const model = fitMultinomial(train, { label: 'species', features: FEATURES });
  assert.equal(model.classes.length, 3);
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a linear regression', async () => {
  const model = fitLinear(train, { label: 'price', features: FEATURES, alpha: 0.5 });
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a binary GBDT with numeric and category-set splits', async () => {
  const model = fitGbdt(train, { label: 'yes', features: FEATURES, maxIter: 30, minSamplesLeaf: 5, seed: 1 });
  assert.ok(categorySplits(model) > 0, 'the ensemble has category-set splits');
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a multiclass GBDT', async () => {
  const model = fitGbdt(train, { label: 'species', features: FEATURES, maxIter: 15, minSamplesLeaf: 5, seed: 1 });
  assert.equal(model.task, 'multiclass');
  assert.ok(categorySplits(model) > 0);
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a GBDT regression', async () => {
  const model = fitGbdt(train, { label: 'price', features: FEATURES, maxIter: 25, minSamplesLeaf: 5, seed: 1 });
  assert.equal(model.task, 'regression');
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a GBDT reading numeric and boolean columns as categories', async () => {
  const t = train.withColumn({ type: 'numeric', name: 'level', values: Float64Array.from({ length: train.rowCount }, (_, i) => (i % 7 === 0 ? NaN : i % 4)) });
  const model = fitGbdt(t, { label: 'yes', features: [...FEATURES, 'level'], categorical: ['flag', 'level'], maxIter: 10, minSamplesLeaf: 5, seed: 1 });
  assert.ok(model.inputs.some((i) => i.name === 'level' && i.type === 'categorical'));
  await roundTrip(model, [t, t.take([0, 1, 2, 3, 4, 5, 6, 7])]);
});

test('toOnnx exports a GBDT whose ensemble is a single tree on one row', async () => {
  const model = fitGbdt(train, { label: 'yes', features: FEATURES, maxIter: 1, seed: 1 });
  await roundTrip(model, [train.take([3])]);
});

test('toOnnx keeps a binary GBDT on raw scores when every leaf weight is positive', async () => {
  const fitted = fitGbdt(train, { label: 'yes', features: FEATURES, maxIter: 1, seed: 1 });
  const leaf = { feature: -1, threshold: null, categories: null, missingLeft: false, left: -1, right: -1, value: 0.3, gain: 0, depth: 0, count: 1, weight: 1 };
  // Baseline 0 and leaves 0.3, 0.1: without the guard onnxruntime skips LOGISTIC and reports 0.4 as P(yes).
  const model: GbdtModel = { ...fitted, trees: [[{ nodes: [leaf] }], [{ nodes: [{ ...leaf, value: 0.1 }] }]], baseline: [0] };
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-to-onnx-'));
  try {
    const file = path.join(dir, 'model.onnx');
    writeFileSync(file, toOnnx(model));
    const onnx = await loadOnnxModel(file);
    const p = await onnx.predict(train.take([0, 1]));
    await onnx.release();
    assert.ok(p.task === 'binary' && p.scores);
    const want = 1 / (1 + Math.exp(-0.4));
    close(p.scores[1], [want, want], 'P(yes)');
    close(p.scores[0], [1 - want, 1 - want], 'P(no)');
    assert.deepEqual(Array.from(p.labels), [1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Splits on one-hot columns, and splits sending missing values left and right. */
function treeShape(model: TreeModel): { oneHot: number; missingLeft: number; missingRight: number } {
  const splits = model.tree.nodes.filter((nd) => nd.feature >= 0);
  return {
    oneHot: splits.filter((nd) => nd.featureName!.startsWith('cat__')).length,
    missingLeft: splits.filter((nd) => nd.missingGoesLeft).length,
    missingRight: splits.filter((nd) => !nd.missingGoesLeft).length,
  };
}

test('toOnnx round-trips a binary decision tree (raw thresholds, one-hot splits, missing values routed both ways, unseen categories)', async () => {
  const model = fitTree(train, { label: 'yes', features: FEATURES, maxDepth: 8, minSamplesLeaf: 3 });
  const shape = treeShape(model);
  assert.ok(shape.oneHot > 0, 'the tree splits on a category');
  assert.ok(shape.missingLeft > 0 && shape.missingRight > 0, 'missing values go left at some splits and right at others');
  assert.ok(model.tree.nodes.some((nd) => nd.feature >= 0 && nd.featureName === 'num__x1' && nd.threshold !== Math.fround(nd.threshold)), 'a threshold float32 cannot hold');
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a multiclass decision tree', async () => {
  const model = fitTree(train, { label: 'species', features: FEATURES, maxDepth: 6, minSamplesLeaf: 2 });
  assert.equal(model.task, 'multiclass');
  assert.ok(treeShape(model).oneHot > 0);
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a regression tree', async () => {
  const model = fitTree(train, { label: 'price', features: FEATURES, maxDepth: 8, minSamplesLeaf: 3 });
  assert.equal(model.task, 'regression');
  const shape = treeShape(model);
  assert.ok(shape.oneHot > 0 && shape.missingLeft > 0 && shape.missingRight > 0);
  await roundTrip(model, [train, holdout, oddTable()]);
});

test('toOnnx round-trips a weighted best-first tree', async () => {
  const weight = Float64Array.from({ length: train.rowCount }, (_, i) => 1 + (i % 5));
  const model = fitTree(train, { label: 'yes', features: FEATURES, weight, maxLeafNodes: 12 });
  await roundTrip(model, [holdout, oddTable()]);
});

test('toOnnx exports a one-leaf tree on one row and a row with every value missing', async () => {
  const model = fitTree(train, { label: 'yes', features: FEATURES, maxDepth: 0 });
  assert.equal(model.tree.nodes.length, 1);
  // An all-missing column has no type of its own: the categorical one is built as such for the adapter.
  const missingColor = { type: 'categorical', name: 'color', codes: Int32Array.from([-1, -1]), dictionary: [] } as const;
  const allMissing = Table.from({ x1: [null, null], x2: [NaN, NaN], flag: [null, null] }).withColumn(missingColor);
  await roundTrip(model, [train.take([3]), allMissing]);
  const deep = fitTree(train, { label: 'species', features: FEATURES, maxDepth: 4 });
  await roundTrip(deep, [train.take([3]), allMissing, Table.from({ x1: [NaN, NaN], x2: [NaN, NaN], flag: [null, null], color: ['x', 'red'] })]);
});

test('toOnnx writes the graph name it is given and rejects an empty one', () => {
  const model = fitLinear(train, { label: 'price', features: ['x2'] });
  const bytes = toOnnx(model, { name: 'price_model' });
  assert.ok(new TextDecoder().decode(bytes).includes('price_model'));
  assert.throws(() => toOnnx(model, { name: '' }), /invalid name/);
});

test('toOnnx rejects a design that keeps missing values', () => {
  const model = fitLogistic(train, { label: 'yes', features: ['x2'], design: { missing: 'keep' } });
  assert.throws(() => toOnnx(model), /missing: "keep"/);
});

const datasets = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
const ADULT_COLUMNS = [
  'age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship',
  'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income',
];
const adultMissing = ['adult.data', 'adult.test'].filter((f) => !existsSync(path.join(datasets, f)));
const adultSkip = adultMissing.length > 0 ? `UCI Adult not found: ${adultMissing.map((f) => path.join(datasets, f)).join(', ')}` : false;

test('toOnnx round-trips a 20-iteration GBDT on UCI Adult to 1e-5 on 2,000 adult.test rows', { skip: adultSkip }, async () => {
  const { table: data } = await readTable(path.join(datasets, 'adult.data'), { columns: ADULT_COLUMNS });
  const { table: test } = await readTable(path.join(datasets, 'adult.test'), { columns: ADULT_COLUMNS, skipRows: 1 });
  const features = ADULT_COLUMNS.filter((c) => c !== 'fnlwgt' && c !== 'income');
  const model = fitGbdt(data, { label: 'income', features, maxIter: 20, seed: 0 });
  assert.equal(model.iterations, 20);
  assert.ok(categorySplits(model) > 0);
  await roundTrip(model, [test.take(Array.from({ length: 2000 }, (_, i) => i))]);
});

test('toOnnx round-trips a logistic regression on UCI Adult to 1e-5 on 2,000 adult.test rows', { skip: adultSkip }, async () => {
  const { table: data } = await readTable(path.join(datasets, 'adult.data'), { columns: ADULT_COLUMNS });
  const { table: test } = await readTable(path.join(datasets, 'adult.test'), { columns: ADULT_COLUMNS, skipRows: 1 });
  const features = ADULT_COLUMNS.filter((c) => c !== 'fnlwgt' && c !== 'income');
  const model = fitLogistic(data, { label: 'income', features });
  await roundTrip(model, [test.take(Array.from({ length: 2000 }, (_, i) => i))]);
});

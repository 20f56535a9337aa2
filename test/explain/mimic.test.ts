import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitMimic } from '../../src/explain/mimic.js';
import { shapTreesFromGbdt, shapTreesFromTree, treeShap } from '../../src/explain/index.js';
import { isUserError } from '../../src/errors/index.js';
import type { GbdtModel, TreeModel } from '../../src/learn/index.js';
import { jsModel, type JsModelRow, type Model, type Predictions } from '../../src/model/index.js';
import { Random } from '../../src/stats/index.js';
import { categoricalColumn, numericColumn, Table } from '../../src/table/index.js';

// Features on an integer grid: a depth-2 tree with thresholds between grid values is learnt
// exactly (CART's midpoints fall on the same thresholds), so its mimic agrees on every row.
function grid(n: number, seed = 1): Table {
  const rng = new Random(seed);
  const x1 = Array.from({ length: n }, () => rng.int(10));
  const x2 = Array.from({ length: n }, () => rng.int(10));
  const x3 = Array.from({ length: n }, () => rng.int(5));
  const c = Array.from({ length: n }, () => ['a', 'b', 'c'][rng.int(3)]);
  return new Table([numericColumn('x1', x1), numericColumn('x2', x2), numericColumn('x3', x3), categoricalColumn('c', c)]);
}

const n = (r: JsModelRow, k: string): number => r[k] as number;
/** A depth-2 tree: x1 ≤ 3 then x2 ≤ 6, else x2 ≤ 2; the leaves' positive-class probabilities. */
const treeProbability = (r: JsModelRow): number => (n(r, 'x1') <= 3 ? (n(r, 'x2') <= 6 ? 0.1 : 0.8) : n(r, 'x2') <= 2 ? 0.7 : 0.2);
const inputs = ['x1', 'x2', 'x3', { name: 'c', type: 'categorical' as const }];
const treeClassifier = jsModel({ task: 'binary', classes: ['no', 'yes'], inputs, predict: (rows) => rows.map(treeProbability) });
const treeRegressor = jsModel({ task: 'regression', inputs, predict: (rows) => rows.map((r) => 10 * treeProbability(r) - 3) });
/** A smooth black box no shallow tree follows exactly. */
const logit = (r: JsModelRow): number => 0.6 * n(r, 'x1') - 0.4 * n(r, 'x2') + (r.c === 'b' ? 1 : 0) - 1;
const smooth = jsModel({ task: 'binary', classes: ['no', 'yes'], inputs, predict: (rows) => rows.map((r) => 1 / (1 + Math.exp(-logit(r)))) });
const three = jsModel({
  task: 'multiclass',
  classes: ['lo', 'mid', 'hi'],
  inputs,
  predict: (rows) =>
    rows.map((r) => {
      const z = [0, logit(r), 2 * logit(r) - 1].map(Math.exp);
      const s = z[0] + z[1] + z[2];
      return z.map((v) => v / s);
    }),
});

/** Accuracy and R² written out from the definitions, on the result's held-out rows. */
async function byHand(model: Model, surrogate: Model, t: Table, rows: Int32Array): Promise<{ accuracy: number | null; r2: number | null }> {
  const held = t.take(rows);
  const p = await model.predict(held);
  const s = await surrogate.predict(held);
  const r2 = (pairs: [number, number][]): number => {
    const mean = pairs.reduce((a, [y]) => a + y, 0) / pairs.length;
    return 1 - pairs.reduce((a, [y, f]) => a + (y - f) ** 2, 0) / pairs.reduce((a, [y]) => a + (y - mean) ** 2, 0);
  };
  if (p.task === 'regression') return { accuracy: null, r2: r2(Array.from(p.values, (y, i) => [y, (s as Extract<Predictions, { task: 'regression' }>).values[i]])) };
  const name = (q: Predictions, i: number): string => (q.task === 'regression' ? (q.values[i] >= 0.5 ? p.classes[1] : p.classes[0]) : q.classes[q.labels[i]]);
  let agree = 0;
  for (let i = 0; i < held.rowCount; i++) if (name(p, i) === name(s, i)) agree++;
  const prob = (q: Predictions, cls: string, i: number): number => {
    if (q.task === 'regression') return q.values[i];
    const k = q.classes.indexOf(cls);
    return k < 0 ? 0 : (q.scores as Float64Array[])[k][i];
  };
  // Multiclass: every class's probability, each centred on its own mean.
  const classes = p.task === 'binary' ? [p.classes[1]] : p.classes;
  let res = 0;
  let tot = 0;
  for (const cls of classes) {
    const pairs: [number, number][] = Array.from({ length: held.rowCount }, (_, i) => [prob(p, cls, i), prob(s, cls, i)]);
    const mean = pairs.reduce((a, [y]) => a + y, 0) / pairs.length;
    res += pairs.reduce((a, [y, f]) => a + (y - f) ** 2, 0);
    tot += pairs.reduce((a, [y]) => a + (y - mean) ** 2, 0);
  }
  return { accuracy: agree / held.rowCount, r2: 1 - res / tot };
}

test('fitMimic: a model that is exactly a depth-2 tree is mimicked by a tree with fidelity 1', async () => {
  const t = grid(2000);
  const labels = await fitMimic(treeClassifier, t, { learner: 'tree', target: 'labels' });
  assert.equal(labels.target, 'labels');
  assert.equal(labels.fidelity.accuracy, 1);
  assert.equal(labels.trainFidelity.accuracy, 1);
  // Every split sits on a grid midpoint, where the model's own thresholds are.
  for (const node of (labels.surrogate as TreeModel).tree.nodes) if (node.feature >= 0) assert.equal(node.threshold % 1, 0.5);
  const scores = await fitMimic(treeClassifier, t, { learner: 'tree' });
  assert.equal(scores.target, 'scores');
  assert.equal(scores.fidelity.accuracy, 1);
  assert.ok(Math.abs((scores.fidelity.r2 as number) - 1) < 1e-12, String(scores.fidelity.r2));
  const values = await fitMimic(treeRegressor, t, { learner: 'tree' });
  assert.equal(values.target, 'values');
  assert.equal(values.fidelity.accuracy, null);
  assert.ok(Math.abs((values.fidelity.r2 as number) - 1) < 1e-12, String(values.fidelity.r2));
});

test('fitMimic: fidelity equals accuracy and R² computed independently on the held-out rows', async () => {
  const t = grid(1500, 2);
  const cases: [Model, Parameters<typeof fitMimic>[2]][] = [
    [smooth, { learner: 'tree', tree: { maxDepth: 2 } }],
    [smooth, { learner: 'tree', target: 'labels', tree: { maxDepth: 3 } }],
    [smooth, { learner: 'gbdt', gbdt: { maxIter: 10 } }],
    [smooth, { learner: 'logistic', target: 'labels', features: ['x1', 'x3'] }],
    [smooth, { learner: 'linear' }],
    [three, { learner: 'gbdt', gbdt: { maxIter: 5 }, holdout: 0.3 }],
    [three, { learner: 'logistic' }],
    [treeRegressor, { learner: 'linear', features: ['x1', 'x2'] }],
  ];
  for (const [model, options] of cases) {
    const r = await fitMimic(model, t, options);
    const what = `${model.task} ${JSON.stringify(options)}`;
    const expected = await byHand(model, r.surrogate, t, r.holdoutRows);
    assert.equal(r.fidelity.rows, r.holdoutRows.length);
    for (const key of ['accuracy', 'r2'] as const) {
      const [got, want] = [r.fidelity[key], expected[key]];
      if (want === null) assert.equal(got, null, `${what} ${key}`);
      else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `${what} ${key}: ${got} vs ${want}`);
    }
    // The split: disjoint, covering every row, the held-out share as asked.
    const all = [...r.trainRows, ...r.holdoutRows].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: t.rowCount }, (_, i) => i), what);
    assert.equal(r.holdoutRows.length, Math.round((options?.holdout ?? 0.2) * t.rowCount), what);
    assert.ok(r.fidelity.accuracy === null || (r.fidelity.accuracy > 0.5 && r.fidelity.accuracy <= 1), `${what}: ${r.fidelity.accuracy}`);
  }
});

test('fitMimic samples rows explicitly, calls the model on those only and is deterministic for a seed', async () => {
  const t = grid(3000, 3);
  let called = 0;
  const counting = Object.assign(Object.create(smooth) as Model, {
    predict: (rows: Table) => {
      called += rows.rowCount;
      return smooth.predict(rows);
    },
  });
  const r = await fitMimic(counting, t, { learner: 'tree', sample: { rows: 400, seed: 9 } });
  assert.deepEqual(r.sample, { rows: 400, seed: 9, of: 3000 });
  assert.equal(called, 400);
  assert.equal(r.trainRows.length + r.holdoutRows.length, 400);
  assert.equal(new Set([...r.trainRows, ...r.holdoutRows]).size, 400);
  const again = await fitMimic(smooth, t, { learner: 'tree', sample: { rows: 400, seed: 9 } });
  assert.deepEqual(again.holdoutRows, r.holdoutRows);
  assert.deepEqual(again.fidelity, r.fidelity);
  const other = await fitMimic(smooth, t, { learner: 'tree', sample: { rows: 400, seed: 10 } });
  assert.notDeepEqual(other.trainRows, r.trainRows);
  const whole = await fitMimic(smooth, t, { learner: 'tree', sample: { rows: 5000 } });
  assert.equal(whole.sample, null);
});

test('fitMimic surrogates are explained exactly by TreeSHAP (contributions add up to the surrogate output)', async () => {
  const t = grid(800, 4);
  const gbdt = await fitMimic(smooth, t, { learner: 'gbdt', gbdt: { maxIter: 20 } });
  const tree = await fitMimic(treeRegressor, t, { learner: 'tree' });
  for (const [ensemble, surrogate] of [
    [shapTreesFromGbdt(gbdt.surrogate as GbdtModel), gbdt.surrogate],
    [shapTreesFromTree(tree.surrogate as TreeModel), tree.surrogate],
  ] as const) {
    const shap = treeShap(ensemble, t);
    const p = await surrogate.predict(t);
    assert.equal(p.task, 'regression');
    const f = shap.features.length;
    for (let i = 0; i < t.rowCount; i++) {
      let sum = shap.expectedValue[0];
      for (let j = 0; j < f; j++) sum += shap.values[0][i * f + j];
      assert.ok(p.task === 'regression' && Math.abs(sum - p.values[i]) < 1e-9, `row ${i}: ${sum} vs ${p.task === 'regression' ? p.values[i] : ''}`);
    }
  }
});

test('fitMimic rejects what cannot work with terse user errors', async () => {
  const t = grid(100, 5);
  const rejects = (model: Model, options: Parameters<typeof fitMimic>[2], pattern: RegExp) =>
    assert.rejects(fitMimic(model, t, options), (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
  await rejects(treeRegressor, { learner: 'logistic' }, /learner logistic fits class labels/);
  await rejects(smooth, { learner: 'logistic', target: 'scores' }, /learner logistic fits class labels/);
  await rejects(smooth, { learner: 'linear', target: 'labels' }, /learner linear fits numbers/);
  await rejects(three, { target: 'scores' }, /target scores is for binary models/);
  await rejects(smooth, { learner: 'forest' as 'tree' }, /invalid learner: "forest"/);
  await rejects(smooth, { holdout: 1 }, /invalid holdout: 1/);
  await rejects(smooth, { features: ['nope'] }, /unknown column/);
  await rejects(smooth, { sample: { rows: 1 } }, /invalid sample rows: 1/);
  const constant = jsModel({ task: 'binary', classes: ['no', 'yes'], inputs, predict: (rows) => rows.map(() => 0.2) });
  await rejects(constant, { target: 'labels' }, /predicts "no" on every training row/);
  const labelsOnly = jsModel({ task: 'binary', classes: ['no', 'yes'], inputs, predict: (rows) => rows.map((r) => (n(r, 'x1') > 4 ? 'yes' : 'no')) });
  await rejects(labelsOnly, { target: 'scores' }, /class labels only, no probabilities/);
  // Without scores the default target is the labels; R² is then undefined.
  const r = await fitMimic(labelsOnly, t, { learner: 'tree', tree: { minSamplesLeaf: 1 } });
  assert.equal(r.target, 'labels');
  assert.equal(r.fidelity.r2, null);
  assert.equal(r.fidelity.accuracy, 1);
});

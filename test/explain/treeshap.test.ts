import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isUserError, parseXgboostModel, predictXgboostMargins, Random, Table } from '../../src/index.js';
import { fitGbdt, type GbdtOptions } from '../../src/learn/gbdt.js';
import { fitTree } from '../../src/learn/tree.js';
import { shapTreesFromGbdt, shapTreesFromTree, shapTreesFromXgboost, treeShap, type ShapEnsemble, type ShapTree } from '../../src/explain/index.js';
import { factorial, M, randomTree } from './random-trees.js';

/** Largest |contributions + expected value − raw output| over rows and outputs. */
function additivityError(ensemble: ShapEnsemble, table: Table, raw: Float64Array[]): number {
  const { values, expectedValue, rows, features } = treeShap(ensemble, table);
  const F = features.length;
  assert.equal(rows, table.rowCount);
  assert.equal(values.length, raw.length);
  let worst = 0;
  for (let k = 0; k < raw.length; k++) {
    for (let i = 0; i < rows; i++) {
      let s = expectedValue[k];
      for (let j = 0; j < F; j++) s += values[k][i * F + j];
      worst = Math.max(worst, Math.abs(s - raw[k][i]));
    }
  }
  return worst;
}

/** Two numeric features with missing values, one categorical with missing values, one boolean. */
function synthetic(n: number, seed: number) {
  const rng = new Random(seed);
  const x1: (number | null)[] = [];
  const x2: (number | null)[] = [];
  const c: (string | null)[] = [];
  const flag: number[] = [];
  const yb: string[] = [];
  const yr: number[] = [];
  const ym: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.uniform(-2, 2);
    const cat = 'abcde'[rng.int(5)];
    const f = rng.int(2);
    const z = a + 0.5 * b * b - (cat === 'b' || cat === 'd' ? 1 : 0) + 0.3 * f + rng.normal(0, 0.5);
    x1.push(rng.next() < 0.1 ? null : a);
    x2.push(rng.next() < 0.1 ? null : b);
    c.push(rng.next() < 0.1 ? null : cat);
    flag.push(f);
    yb.push(z > 0.3 ? 'yes' : 'no');
    yr.push(z);
    ym.push(z < -0.5 ? 'low' : z < 1 ? 'mid' : 'high');
  }
  return { x1, x2, c, flag, yb, yr, ym };
}

const TRAIN = Table.from(synthetic(600, 1));
const test2 = synthetic(200, 2);
// Adds an all-missing row and a row with huge values and a category unseen in training.
const TEST = Table.from({
  x1: [...test2.x1, null, 1e300],
  x2: [...test2.x2, null, -1e300],
  c: [...test2.c, null, 'zzz'],
  flag: [...test2.flag, 0, 1],
});

for (const [task, label] of [
  ['binary', 'yb'],
  ['multiclass', 'ym'],
  ['regression', 'yr'],
] as const) {
  test(`treeShap of a ${task} GBDT adds up to the raw output on every row`, () => {
    const options: GbdtOptions = { label, task, features: ['x1', 'x2', 'c', 'flag'], maxIter: 30, maxLeafNodes: 15, minSamplesLeaf: 5, seed: 3 };
    const model = fitGbdt(TRAIN, options);
    const ensemble = shapTreesFromGbdt(model);
    assert.deepEqual(ensemble.features, ['x1', 'x2', 'c', 'flag']);
    assert.equal(ensemble.trees.length, model.trees.length * (task === 'multiclass' ? 3 : 1));
    assert.ok(ensemble.trees.some((t) => t.categorical !== null), 'a categorical split was learned');
    assert.ok(additivityError(ensemble, TRAIN, model.predictRaw(TRAIN)) < 1e-6);
    assert.ok(additivityError(ensemble, TEST, model.predictRaw(TEST)) < 1e-6);
  });
}

for (const [task, label] of [
  ['classification', 'ym'],
  ['regression', 'yr'],
] as const) {
  test(`treeShap of a ${task} decision tree attributes to input columns and adds up to its output`, async () => {
    const model = fitTree(TRAIN, { label, task, features: ['x1', 'x2', 'c', 'flag'], maxDepth: 6, minSamplesLeaf: 3 });
    const ensemble = shapTreesFromTree(model);
    assert.deepEqual(ensemble.features, ['x1', 'x2', 'c', 'flag']);
    assert.ok(model.tree.nodes.some((nd) => nd.column === 'c'), 'a one-hot split was learned');
    for (const table of [TRAIN, TEST]) {
      const p = await model.predict(table);
      const raw = p.task === 'regression' ? [p.values] : (p.scores as Float64Array[]);
      assert.ok(additivityError(ensemble, table, raw) < 1e-9);
    }
  });
}

test('treeShap handles empty tables and one row', () => {
  const model = fitGbdt(TRAIN, { label: 'yb', features: ['x1', 'x2', 'c', 'flag'], maxIter: 5, seed: 1 });
  const ensemble = shapTreesFromGbdt(model);
  const empty = treeShap(ensemble, TEST.take(new Uint32Array(0)));
  assert.equal(empty.rows, 0);
  assert.equal(empty.values[0].length, 0);
  assert.equal(empty.expectedValue.length, 1);
  const one = TEST.take(Uint32Array.of(200));
  assert.ok(additivityError(ensemble, one, model.predictRaw(one)) < 1e-6);
});

test('treeShap rejects a feature matrix of the wrong size', () => {
  const model = fitGbdt(TRAIN, { label: 'yr', features: ['x1', 'x2'], maxIter: 2, seed: 1 });
  assert.throws(
    () => treeShap(shapTreesFromGbdt(model), { rows: 2, values: new Float64Array(3) }),
    (e: unknown) => isUserError(e) && /3 values for 2 rows × 2 features/.test(e.message),
  );
});

test('treeShap rejects trees without covers, as XGBoost models saved without sum_hessian', () => {
  const tree: ShapTree = {
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    feature: Int32Array.of(0, -1, -1),
    threshold: Float64Array.of(0, 0, 0),
    missingLeft: Uint8Array.of(1, 0, 0),
    value: Float64Array.of(0, -1, 1),
    cover: new Float64Array(3),
    output: 0,
    strict: true,
    categorical: null,
    goesLeft: null,
  };
  const ensemble: ShapEnsemble = { features: ['a'], baseline: [0], trees: [tree], encode: () => ({ rows: 0, values: new Float64Array(0) }) };
  assert.throws(
    () => treeShap(ensemble, { rows: 1, values: Float64Array.of(1) }),
    (e: unknown) => isUserError(e) && e.message === 'invalid cover: 0 at node 0 of tree 0 (TreeSHAP needs positive training covers)',
  );
});

// ---- Brute force: exact Shapley values of the path-dependent value function. ----


function hot(t: ShapTree, node: number, x: number): number {
  const goLeft = t.categorical?.[node] ? t.goesLeft!(node, x) : x !== x ? t.missingLeft[node] === 1 : t.strict ? x < t.threshold[node] : x <= t.threshold[node];
  return goLeft ? t.left[node] : t.right[node];
}

/** E[f(x) | x_S] as the path-dependent value function: follow x on features in S, else average children by cover. */
function conditional(t: ShapTree, node: number, x: ArrayLike<number>, s: number): number {
  if (t.left[node] < 0) return t.value[node];
  const f = t.feature[node];
  if ((s >>> f) & 1) return conditional(t, hot(t, node, x[f]), x, s);
  const l = t.left[node];
  const r = t.right[node];
  return (t.cover[l] * conditional(t, l, x, s) + t.cover[r] * conditional(t, r, x, s)) / t.cover[node];
}


function bruteForce(trees: ShapTree[], x: ArrayLike<number>, output: number): { phi: number[]; base: number } {
  const v = (s: number) => trees.reduce((acc, t) => (t.output === output ? acc + conditional(t, 0, x, s) : acc), 0);
  const phi = new Array<number>(M).fill(0);
  for (let j = 0; j < M; j++) {
    for (let s = 0; s < 1 << M; s++) {
      if ((s >>> j) & 1) continue;
      let size = 0;
      for (let b = 0; b < M; b++) size += (s >>> b) & 1;
      phi[j] += ((factorial(size) * factorial(M - size - 1)) / factorial(M)) * (v(s | (1 << j)) - v(s));
    }
  }
  return { phi, base: v(0) };
}

test('treeShap equals brute-force Shapley values on random small trees', () => {
  const rng = new Random(7);
  let checked = 0;
  for (let trial = 0; trial < 40; trial++) {
    const trees = Array.from({ length: 1 + rng.int(3) }, () => randomTree(rng, rng.int(2)));
    const rows = 8;
    const values = new Float64Array(rows * M);
    for (let i = 0; i < values.length; i++) {
      const u = rng.next();
      values[i] = u < 0.15 ? NaN : u < 0.5 ? rng.int(4) : rng.normal();
    }
    const ensemble: ShapEnsemble = {
      features: Array.from({ length: M }, (_, j) => `f${j}`),
      baseline: [0.5, -1],
      trees,
      encode: () => {
        throw new Error('unused');
      },
    };
    const result = treeShap(ensemble, { rows, values });
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < rows; i++) {
        const x = values.subarray(i * M, (i + 1) * M);
        const { phi, base } = bruteForce(trees, x, k);
        assert.ok(Math.abs(result.expectedValue[k] - (ensemble.baseline[k] + base)) < 1e-9);
        for (let j = 0; j < M; j++) {
          assert.ok(Math.abs(result.values[k][i * M + j] - phi[j]) < 1e-9, `trial ${trial} output ${k} row ${i} feature ${j}: ${result.values[k][i * M + j]} vs ${phi[j]}`);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 40 * 2 * 8 * M);
});

test('treeShap of a single leaf gives zero contributions and the leaf as expected value', () => {
  const leaf: ShapTree = {
    left: Int32Array.of(-1),
    right: Int32Array.of(-1),
    feature: Int32Array.of(-1),
    threshold: Float64Array.of(0),
    missingLeft: Uint8Array.of(0),
    value: Float64Array.of(2.5),
    cover: Float64Array.of(10),
    output: 0,
    strict: false,
    categorical: null,
    goesLeft: null,
  };
  const ensemble: ShapEnsemble = { features: ['a'], baseline: [1], trees: [leaf], encode: () => ({ rows: 0, values: new Float64Array(0) }) };
  const r = treeShap(ensemble, { rows: 2, values: Float64Array.of(NaN, 3) });
  assert.deepEqual(Array.from(r.values[0]), [0, 0]);
  assert.deepEqual(r.expectedValue, [3.5]);
});

// ---- XGBoost: equal to xgboost's own pred_contribs. ----

const DIR = new URL('../fixtures/xgboost/', import.meta.url);

for (const name of ['binary', 'multiclass'] as const) {
  test(`treeShap of the ${name} XGBoost fixture equals xgboost's pred_contribs`, () => {
    const json: unknown = JSON.parse(readFileSync(new URL(`${name}.model.json`, DIR), 'utf8'));
    const data = JSON.parse(readFileSync(new URL(`${name}.data.json`, DIR), 'utf8')) as { features: string[]; rows: (number | null)[][]; contribs: (number[] | number[][])[] };
    const cols: Record<string, (number | null)[]> = {};
    data.features.forEach((f, j) => (cols[f] = data.rows.map((r) => r[j])));
    const table = Table.from(cols);
    const model = parseXgboostModel(json);
    const ensemble = shapTreesFromXgboost(model.booster);
    const { values, expectedValue } = treeShap(ensemble, table);
    const F = data.features.length;
    const K = values.length;
    assert.equal(K, name === 'binary' ? 1 : 3);
    let worst = 0;
    data.contribs.forEach((row, i) => {
      const perClass = (K === 1 ? [row] : row) as number[][];
      for (let k = 0; k < K; k++) {
        assert.equal(perClass[k].length, F + 1);
        for (let j = 0; j < F; j++) worst = Math.max(worst, Math.abs(values[k][i * F + j] - perClass[k][j]));
        worst = Math.max(worst, Math.abs(expectedValue[k] - perClass[k][F]));
      }
    });
    assert.ok(worst < 1e-5, `max abs difference ${worst}`);
    assert.ok(additivityError(ensemble, table, predictXgboostMargins(model.booster, table)) < 1e-5);
  });
}

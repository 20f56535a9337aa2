import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, Random, Table } from '../../src/index.js';
import { fitGbdt } from '../../src/learn/gbdt.js';
import { fitTree } from '../../src/learn/tree.js';
import { shapTreesFromGbdt, shapTreesFromTree, type ShapEnsemble, type ShapTree } from '../../src/explain/index.js';
import { interventionalTreeShap } from '../../src/explain/treeshap-interventional.js';
import { factorial, M, randomTree } from './random-trees.js';


/** The tree's output for row x, by walking it (written independently of the library's routing). */
function predict(t: ShapTree, x: ArrayLike<number>): number {
  let node = 0;
  while (t.left[node] >= 0) {
    const v = x[t.feature[node]];
    let goLeft: boolean;
    if (t.categorical && t.categorical[node] === 1) goLeft = t.goesLeft!(node, v);
    else if (Number.isNaN(v)) goLeft = t.missingLeft[node] === 1;
    else goLeft = t.strict ? v < t.threshold[node] : v <= t.threshold[node];
    node = goLeft ? t.left[node] : t.right[node];
  }
  return t.value[node];
}


/** Shapley values of v(S) = mean_b Σ_trees f(x_S, b_S̄), by enumerating every coalition. */
function bruteForce(trees: ShapTree[], output: number, x: ArrayLike<number>, background: ArrayLike<number>[]): { phi: number[]; base: number } {
  const hybrid = new Float64Array(M);
  const v = (s: number) => {
    let total = 0;
    for (const b of background) {
      for (let j = 0; j < M; j++) hybrid[j] = (s >>> j) & 1 ? x[j] : b[j];
      for (const t of trees) if (t.output === output) total += predict(t, hybrid);
    }
    return total / background.length;
  };
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

function randomRows(rng: Random, rows: number): Float64Array {
  const values = new Float64Array(rows * M);
  for (let i = 0; i < values.length; i++) {
    const u = rng.next();
    values[i] = u < 0.15 ? NaN : u < 0.5 ? rng.int(4) : rng.normal();
  }
  return values;
}

test('interventionalTreeShap equals brute-force Shapley values of the interventional game on random small ensembles', () => {
  const rng = new Random(11);
  let checked = 0;
  for (let trial = 0; trial < 30; trial++) {
    const trees = Array.from({ length: 1 + rng.int(3) }, () => randomTree(rng, rng.int(2)));
    const ensemble: ShapEnsemble = {
      features: Array.from({ length: M }, (_, j) => `f${j}`),
      baseline: [0.25, -1],
      trees,
      encode: () => {
        throw new Error('unused');
      },
    };
    const rows = 5;
    const nb = 1 + rng.int(5);
    const x = randomRows(rng, rows);
    const bg = randomRows(rng, nb);
    const result = interventionalTreeShap(ensemble, { rows, values: x }, { rows: nb, values: bg });
    assert.equal(result.backgroundRows, nb);
    const background = Array.from({ length: nb }, (_, b) => bg.subarray(b * M, (b + 1) * M));
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < rows; i++) {
        const { phi, base } = bruteForce(trees, k, x.subarray(i * M, (i + 1) * M), background);
        assert.ok(Math.abs(result.expectedValue[k] - (ensemble.baseline[k] + base)) < 1e-9);
        for (let j = 0; j < M; j++) {
          assert.ok(Math.abs(result.values[k][i * M + j] - phi[j]) < 1e-9, `trial ${trial} output ${k} row ${i} feature ${j}: ${result.values[k][i * M + j]} vs ${phi[j]}`);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 30 * 2 * 5 * M);
});

function synthetic(n: number, seed: number) {
  const rng = new Random(seed);
  const cols = { x1: [] as (number | null)[], x2: [] as (number | null)[], c: [] as (string | null)[], y: [] as string[], r: [] as number[] };
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.uniform(-2, 2);
    const cat = 'abcd'[rng.int(4)];
    const z = a * b + (cat === 'b' ? 1 : 0) + rng.normal(0, 0.3);
    cols.x1.push(rng.next() < 0.1 ? null : a);
    cols.x2.push(b);
    cols.c.push(rng.next() < 0.1 ? null : cat);
    cols.y.push(z > 0 ? 'yes' : 'no');
    cols.r.push(z);
  }
  return cols;
}

const TRAIN = Table.from(synthetic(400, 1));
const TEST = Table.from(synthetic(60, 2));

test('interventionalTreeShap of a GBDT: contributions plus the background mean equal the raw output on every row', () => {
  const model = fitGbdt(TRAIN, { label: 'y', features: ['x1', 'x2', 'c'], maxIter: 20, maxLeafNodes: 15, seed: 2 });
  const ensemble = shapTreesFromGbdt(model);
  const background = TRAIN.take(Uint32Array.from({ length: 50 }, (_, i) => i * 7));
  const r = interventionalTreeShap(ensemble, TEST, background);
  const raw = model.predictRaw(TEST)[0];
  const rawBackground = model.predictRaw(background)[0];
  const mean = rawBackground.reduce((a, b) => a + b, 0) / rawBackground.length;
  assert.ok(Math.abs(r.expectedValue[0] - mean) < 1e-9);
  for (let i = 0; i < TEST.rowCount; i++) {
    let s = r.expectedValue[0];
    for (let j = 0; j < 3; j++) s += r.values[0][i * 3 + j];
    assert.ok(Math.abs(s - raw[i]) < 1e-9, `row ${i}: ${s} vs ${raw[i]}`);
  }
});

test('interventionalTreeShap of a decision tree against one background row: every row explained relative to it', async () => {
  const model = fitTree(TRAIN, { label: 'r', task: 'regression', features: ['x1', 'x2', 'c'], maxDepth: 5 });
  const ensemble = shapTreesFromTree(model);
  const one = TRAIN.take(Uint32Array.of(3));
  const r = interventionalTreeShap(ensemble, TEST, one);
  const p = await model.predict(TEST);
  const q = await model.predict(one);
  assert.ok(p.task === 'regression' && q.task === 'regression');
  assert.ok(Math.abs(r.expectedValue[0] - q.values[0]) < 1e-12);
  for (let i = 0; i < TEST.rowCount; i++) {
    let s = r.expectedValue[0];
    for (let j = 0; j < 3; j++) s += r.values[0][i * 3 + j];
    assert.ok(Math.abs(s - p.values[i]) < 1e-9);
  }
  // A row explained against itself gets no contributions.
  const self = interventionalTreeShap(ensemble, one, one);
  assert.deepEqual(Array.from(self.values[0]), [0, 0, 0]);
});

test('interventionalTreeShap rejects an empty background and a matrix of the wrong size', () => {
  const model = fitGbdt(TRAIN, { label: 'y', features: ['x1', 'x2'], maxIter: 2, seed: 1 });
  const ensemble = shapTreesFromGbdt(model);
  assert.throws(() => interventionalTreeShap(ensemble, TEST, TEST.take(new Uint32Array(0))), (e: unknown) => isUserError(e) && /at least one background row/.test(e.message));
  assert.throws(() => interventionalTreeShap(ensemble, TEST, { rows: 2, values: new Float64Array(3) }), (e: unknown) => isUserError(e) && /invalid background matrix: 3 values for 2 rows × 2 features/.test(e.message));
});

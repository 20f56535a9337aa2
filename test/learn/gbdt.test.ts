import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, Random, Table, rocAuc } from '../../src/index.js';
import { fitGbdt, MISSING_BIN } from '../../src/learn/gbdt.js';
import { buildHistogram } from '../../src/learn/gbdt-grow.js';

function scoresOf(model: ReturnType<typeof fitGbdt>, table: Table): Float64Array[] {
  const p = model.predictSync(table);
  assert.notEqual(p.task, 'regression');
  if (p.task === 'regression') throw new Error('unreachable');
  return p.scores as Float64Array[];
}

function valuesOf(model: ReturnType<typeof fitGbdt>, table: Table): Float64Array {
  const p = model.predictSync(table);
  if (p.task !== 'regression') throw new Error('expected regression');
  return p.values;
}

/** A small noisy binary / regression / multiclass problem on two numeric and one categorical feature. */
function synthetic(n: number, seed: number) {
  const rng = new Random(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const c: string[] = [];
  const yb: string[] = [];
  const yr: number[] = [];
  const ym: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.uniform(-2, 2);
    const cat = 'abcde'[rng.int(5)];
    const z = a + 0.5 * b * b - (cat === 'b' || cat === 'd' ? 1 : 0) + rng.normal(0, 0.5);
    x1.push(a);
    x2.push(b);
    c.push(cat);
    yb.push(z > 0.3 ? 'yes' : 'no');
    yr.push(z);
    ym.push(z < -0.5 ? 'low' : z < 1 ? 'mid' : 'high');
  }
  return Table.from({ x1, x2, c, yb, yr, ym });
}

test('fitGbdt training loss decreases monotonically without early stopping', () => {
  const t = synthetic(300, 1);
  for (const label of ['yb', 'yr', 'ym']) {
    const m = fitGbdt(t, { label, features: ['x1', 'x2', 'c'], maxIter: 30, minSamplesLeaf: 5, recordTrainLoss: true, earlyStopping: false });
    assert.equal(m.iterations, 30);
    const loss = m.trainLoss!;
    assert.equal(loss.length, 31);
    for (let i = 1; i < loss.length; i++) assert.ok(loss[i] <= loss[i - 1] + 1e-12, `${label}: loss rose at ${i}: ${loss[i - 1]} -> ${loss[i]}`);
    assert.ok(loss[30] < loss[0] * 0.8, `${label}: loss fell too little`);
  }
});

test('fitGbdt with one depth-1 tree and learning rate 1 finds the brute-force best split on squared loss', () => {
  const rng = new Random(7);
  const n = 60;
  const cols: Record<string, number[]> = { a: [], b: [], c: [], y: [] };
  for (let i = 0; i < n; i++) {
    const a = rng.int(40);
    const b = Math.round(rng.normal() * 100) / 10;
    const c = rng.next();
    cols.a.push(a);
    cols.b.push(b);
    cols.c.push(c);
    cols.y.push((b > 0.5 ? 2 : 0) + 0.3 * a / 40 + rng.normal(0, 0.8));
  }
  const t = Table.from(cols);
  const m = fitGbdt(t, { label: 'y', features: ['a', 'b', 'c'], maxIter: 1, learningRate: 1, maxDepth: 1, minSamplesLeaf: 1, earlyStopping: false });
  // Brute force: every feature, every cut between consecutive distinct values; the least total SSE.
  const y = cols.y;
  let best = { sse: Infinity, feature: -1, threshold: NaN, left: NaN, right: NaN };
  ['a', 'b', 'c'].forEach((name, f) => {
    const x = cols[name];
    const distinct = [...new Set(x)].sort((p, q) => p - q);
    for (let k = 0; k + 1 < distinct.length; k++) {
      const thr = (distinct[k] + distinct[k + 1]) / 2;
      let sl = 0, sr = 0, nl = 0, nr = 0;
      for (let i = 0; i < n; i++) {
        if (x[i] <= thr) {
          sl += y[i];
          nl++;
        } else {
          sr += y[i];
          nr++;
        }
      }
      const ml = sl / nl, mr = sr / nr;
      let sse = 0;
      for (let i = 0; i < n; i++) sse += (y[i] - (x[i] <= thr ? ml : mr)) ** 2;
      if (sse < best.sse - 1e-9) best = { sse, feature: f, threshold: thr, left: ml, right: mr };
    }
  });
  const root = m.trees[0][0].nodes[0];
  assert.equal(root.feature, best.feature);
  assert.ok(Math.abs(root.threshold! - best.threshold) < 1e-12, `threshold ${root.threshold} vs ${best.threshold}`);
  const pred = valuesOf(m, t);
  const x = cols[['a', 'b', 'c'][best.feature]];
  for (let i = 0; i < n; i++) assert.ok(Math.abs(pred[i] - (x[i] <= best.threshold ? best.left : best.right)) < 1e-9);
});

// Numeric features only: categorical splits skip categories with fewer than 10 rows in a node (a count, as in
// scikit-learn), which duplicating rows changes and weighting does not.
test('fitGbdt with sample weight 2 equals duplicating the rows', () => {
  const t = synthetic(120, 3);
  const w = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 2 : 1));
  const idx: number[] = [];
  for (let i = 0; i < 120; i++) for (let k = 0; k < w[i]; k++) idx.push(i);
  const weighted = t.withColumn({ type: 'numeric', name: 'w', values: Float64Array.from(w) });
  const duplicated = t.take(idx);
  for (const label of ['yb', 'yr', 'ym']) {
    const opts = { label, features: ['x1', 'x2'], maxIter: 15, minSamplesLeaf: 1, maxLeafNodes: 8, earlyStopping: false } as const;
    const a = fitGbdt(weighted, { ...opts, weight: 'w' }).predictRaw(t);
    const b = fitGbdt(duplicated, opts).predictRaw(t);
    for (let k = 0; k < a.length; k++) for (let i = 0; i < 120; i++) assert.ok(Math.abs(a[k][i] - b[k][i]) < 1e-9, `${label} row ${i}: ${a[k][i]} vs ${b[k][i]}`);
  }
});

test('fitGbdt is deterministic for a seed (binning subsample and validation split)', () => {
  const t = synthetic(12_000, 5);
  const opts = { label: 'yb', features: ['x1', 'x2', 'c'], maxIter: 20, seed: 11 } as const;
  const a = fitGbdt(t, opts);
  const b = fitGbdt(t, opts);
  assert.ok(a.validationLoss !== null, 'early stopping is on above 10,000 rows');
  assert.deepEqual(a.trees, b.trees);
  assert.deepEqual(scoresOf(a, t)[1], scoresOf(b, t)[1]);
  const c = fitGbdt(t, { ...opts, seed: 12 });
  assert.notDeepEqual(c.validationLoss, a.validationLoss);
});

test('fitGbdt learns where missing values go and routes them the same way at prediction', () => {
  const rng = new Random(2);
  const x: (number | null)[] = [];
  const y: string[] = [];
  for (let i = 0; i < 400; i++) {
    const v = rng.uniform(0, 10);
    const missing = rng.next() < 0.25;
    x.push(missing ? null : v);
    // Missing behaves like a large value.
    y.push(missing || v > 6 ? 'pos' : 'neg');
  }
  const t = Table.from({ x, y });
  const m = fitGbdt(t, { label: 'y', maxIter: 20, earlyStopping: false });
  const root = m.trees[0][0].nodes[0];
  assert.ok(root.threshold! > 5 && root.threshold! < 7, `threshold ${root.threshold}`);
  assert.equal(root.missingLeft, false);
  const probe = Table.from({ x: [null, 9, 1] });
  const [missing, high, low] = scoresOf(m, probe)[1];
  assert.ok(missing > 0.9 && high > 0.9 && low < 0.1, `${missing} ${high} ${low}`);
  // The training rows with a missing value score the same as the probe.
  const train = scoresOf(m, t)[1];
  for (let i = 0; i < x.length; i++) if (x[i] === null) assert.equal(train[i], missing);
});

test('fitGbdt sends missing values of a feature complete in training to the larger child', () => {
  const x = Array.from({ length: 200 }, (_, i) => i);
  const y = x.map((v) => (v < 150 ? 0 : 5));
  const m = fitGbdt(Table.from({ x, y }), { label: 'y', maxIter: 1, maxDepth: 1, learningRate: 1, earlyStopping: false });
  const root = m.trees[0][0].nodes[0];
  assert.equal(root.missingLeft, true);
  assert.ok(Math.abs(valuesOf(m, Table.from({ x: [null] }))[0] - 0) < 1e-9);
});

test('fitGbdt learns a split on a set of categories', () => {
  const rng = new Random(4);
  const cats = 'ABCDEFGH'.split('');
  const pos = new Set(['B', 'D', 'F', 'G']);
  const c: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < 800; i++) {
    const v = cats[rng.int(cats.length)];
    c.push(v);
    y.push(pos.has(v) ? 'in' : 'out');
  }
  const t = Table.from({ c, y });
  const m = fitGbdt(t, { label: 'y', maxIter: 5, maxDepth: 1, earlyStopping: false });
  const root = m.trees[0][0].nodes[0];
  assert.equal(root.threshold, null);
  const left = new Set(root.categories);
  const complement = new Set(cats.filter((k) => !pos.has(k)));
  assert.ok([pos, complement].some((s) => s.size === left.size && [...s].every((k) => left.has(k))), `left set ${[...left]}`);
  assert.deepEqual(m.classes, ['in', 'out']);
  const label = new Uint8Array(y.map((v) => (v === 'out' ? 1 : 0)));
  assert.equal(rocAuc(label, scoresOf(m, t)[1]).value, 1);
  // A category unseen in training is read as missing.
  const unseen = scoresOf(m, Table.from({ c: ['Z', null] }))[1];
  assert.equal(unseen[0], unseen[1]);
});

test('fitGbdt treats numeric columns listed in categorical as categories', () => {
  const code = Array.from({ length: 300 }, (_, i) => [3, 17, 5, 42, 8][i % 5]);
  const y = code.map((v) => (v === 17 || v === 8 ? 1 : 0));
  const m = fitGbdt(Table.from({ code, y }), { label: 'y', task: 'binary', categorical: ['code'], maxIter: 3, maxDepth: 1, minSamplesLeaf: 5, earlyStopping: false });
  assert.deepEqual(m.inputs, [{ name: 'code', type: 'categorical' }]);
  const left = [...m.trees[0][0].nodes[0].categories!].sort().join(',');
  assert.ok(left === '17,8' || left === '3,42,5', left);
  assert.deepEqual(m.classes, ['0', '1']);
});

test('fitGbdt binary models are Models: classes [negative, positive], labels agree with the scores', async () => {
  const t = synthetic(400, 8);
  const m = fitGbdt(t, { label: 'yb', features: ['x1', 'x2', 'c'], maxIter: 20 });
  assert.equal(m.task, 'binary');
  assert.equal(m.name, 'gbdt');
  assert.deepEqual(m.classes, ['no', 'yes']);
  assert.deepEqual(m.inputs, [
    { name: 'x1', type: 'numeric' },
    { name: 'x2', type: 'numeric' },
    { name: 'c', type: 'categorical' },
  ]);
  const p = await m.predict(t);
  assert.ok(p.task === 'binary' && p.scores !== null);
  for (let i = 0; i < t.rowCount; i++) {
    assert.ok(Math.abs(p.scores[0][i] + p.scores[1][i] - 1) < 1e-12);
    assert.equal(p.labels[i], p.scores[1][i] > 0.5 ? 1 : 0);
  }
  const flipped = fitGbdt(t, { label: 'yb', features: ['x1', 'x2', 'c'], maxIter: 20, positive: 'no' });
  assert.deepEqual(flipped.classes, ['yes', 'no']);
  const y = new Uint8Array(t.rowCount);
  const col = t.column('yb');
  if (col.type === 'categorical') for (let i = 0; i < y.length; i++) y[i] = col.dictionary[col.codes[i]] === 'yes' ? 1 : 0;
  assert.ok(rocAuc(y, p.scores[1]).value! > 0.9);
});

test('fitGbdt multiclass grows one tree per class and gives probabilities that sum to 1', () => {
  const t = synthetic(600, 9);
  const m = fitGbdt(t, { label: 'ym', features: ['x1', 'x2', 'c'], maxIter: 25 });
  assert.equal(m.task, 'multiclass');
  assert.deepEqual(m.classes, ['high', 'low', 'mid']);
  assert.equal(m.trees.length, 25);
  assert.ok(m.trees.every((it) => it.length === 3));
  const p = m.predictSync(t);
  assert.ok(p.task === 'multiclass' && p.scores !== null);
  const col = t.column('ym');
  let correct = 0;
  for (let i = 0; i < t.rowCount; i++) {
    assert.ok(Math.abs(p.scores[0][i] + p.scores[1][i] + p.scores[2][i] - 1) < 1e-12);
    if (col.type === 'categorical' && m.classes[p.labels[i]] === col.dictionary[col.codes[i]]) correct++;
  }
  assert.ok(correct / t.rowCount > 0.8, `accuracy ${correct / t.rowCount}`);
});

test('fitGbdt regression fits a step function and reports its baseline', () => {
  // 250 distinct values: one bin each, so the steps fall on bin edges.
  const x = Array.from({ length: 250 }, (_, i) => i / 25);
  const y = x.map((v) => (v < 3 ? 1 : v < 7 ? 4 : -2));
  const t = Table.from({ x, y });
  const m = fitGbdt(t, { label: 'y', maxIter: 100, earlyStopping: false });
  assert.equal(m.task, 'regression');
  assert.deepEqual(m.classes, []);
  assert.ok(Math.abs(m.baseline[0] - y.reduce((s, v) => s + v, 0) / y.length) < 1e-12);
  const pred = valuesOf(m, t);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(pred[i] - y[i]) < 0.01, `row ${i}: ${pred[i]} vs ${y[i]}`);
});

test('fitGbdt stops early when the validation loss stalls', () => {
  const rng = new Random(1);
  const n = 11_000;
  const x = Array.from({ length: n }, () => rng.next());
  const y = x.map(() => (rng.next() < 0.5 ? 'a' : 'b'));
  const m = fitGbdt(Table.from({ x, y }), { label: 'y', maxIter: 200 });
  assert.ok(m.iterations < 200, `ran ${m.iterations} iterations`);
  assert.equal(m.validationLoss!.length, m.iterations + 1);
  assert.equal(fitGbdt(Table.from({ x, y }), { label: 'y', maxIter: 30, earlyStopping: false }).iterations, 30);
});

test('fitGbdt respects maxDepth, maxLeafNodes and minSamplesLeaf', () => {
  const t = synthetic(2000, 10);
  const m = fitGbdt(t, { label: 'yr', features: ['x1', 'x2', 'c'], maxIter: 5, maxDepth: 3, maxLeafNodes: 6, minSamplesLeaf: 50 });
  for (const [tree] of m.trees) {
    const leaves = tree.nodes.filter((nd) => nd.left === -1);
    assert.ok(leaves.length <= 6);
    assert.equal(leaves.length, tree.nodes.length - (tree.nodes.length - 1) / 2);
    for (const nd of tree.nodes) assert.ok(nd.depth <= 3);
    for (const leaf of leaves) assert.ok(leaf.count >= 50);
    for (const nd of tree.nodes) if (nd.left >= 0) assert.equal(tree.nodes[nd.left].count + tree.nodes[nd.right].count, nd.count);
  }
});

test('fitGbdt drops rows with a missing label and reports them', () => {
  const t = Table.from({ x: [1, 2, 3, 4, 5, 6], y: ['a', 'b', null, 'a', 'b', 'a'] });
  const m = fitGbdt(t, { label: 'y', maxIter: 2, minSamplesLeaf: 1 });
  assert.equal(m.droppedRows, 1);
  assert.equal(m.predictSync(t).task, 'binary');
});

test('fitGbdt works on one row and on a feature that is all missing', () => {
  const one = fitGbdt(Table.from({ x: [1], y: [3] }), { label: 'y', maxIter: 3 });
  assert.deepEqual([...valuesOf(one, Table.from({ x: [5] }))], [3]);
  const t = Table.from({ x: [null, null, null, null], y: [1, 2, 3, 4] });
  const m = fitGbdt(t, { label: 'y', maxIter: 3, minSamplesLeaf: 1 });
  assert.ok(m.trees.every(([tree]) => tree.nodes.length === 1));
  assert.deepEqual([...valuesOf(m, t)], [2.5, 2.5, 2.5, 2.5]);
});

test('fitGbdt reports bad options and data as user errors', () => {
  const t = Table.from({ x: [1, 2, 3], y: ['a', 'a', 'a'], z: [1, 2, 3] });
  const cases: [() => unknown, RegExp][] = [
    [() => fitGbdt(t, { label: 'y' }), /has 1 class/],
    [() => fitGbdt(t, { label: 'nope' }), /unknown column: "nope"/],
    [() => fitGbdt(t, { label: 'z', learningRate: -1 }), /invalid learningRate: -1/],
    [() => fitGbdt(t, { label: 'z', maxBins: 300 }), /invalid maxBins: 300/],
    [() => fitGbdt(t, { label: 'z', features: ['x'], categorical: ['q'] }), /categorical feature "q"/],
    [() => fitGbdt(t, { label: 'y', task: 'regression' }), /regression needs a numeric label/],
    [() => fitGbdt(Table.from({ x: [1, 2], y: [1, 2], w: [-1, 1] }), { label: 'y', weight: 'w' }), /weight column "w" has the value -1/],
  ];
  for (const [f, re] of cases) {
    assert.throws(f, (e: unknown) => isUserError(e) && re.test((e as Error).message), String(re));
  }
  const many = Table.from({ c: Array.from({ length: 300 }, (_, i) => `k${i}`), y: Array.from({ length: 300 }, (_, i) => i % 2) });
  assert.throws(() => fitGbdt(many, { label: 'y' }), /300 categories, more than maxBins = 255/);
});

test('fitGbdt routes training rows exactly as prediction does (missing values, category sets)', () => {
  const rng = new Random(21);
  const n = 1500;
  const x: (number | null)[] = [];
  const c: (string | null)[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.next() < 0.2 ? null : rng.normal();
    const k = rng.next() < 0.1 ? null : 'pqrstuvw'[rng.int(8)];
    x.push(v);
    c.push(k);
    const z = (v === null ? 1 : v) + ('qsu'.includes(k ?? 'u') ? 1 : -0.5) + rng.normal(0, 1);
    y.push(z > 0.5 ? 'p' : 'n');
  }
  const t = Table.from({ x, c, y });
  for (const task of ['binary', 'multiclass'] as const) {
    const m = fitGbdt(t, { label: 'y', task, maxIter: 20, minSamplesLeaf: 5, earlyStopping: false, recordTrainLoss: true });
    const raw = m.predictRaw(t);
    const col = t.column('y');
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const cls = col.type === 'categorical' && col.dictionary[col.codes[i]] === 'p' ? 1 : 0;
      if (task === 'binary') loss += Math.log1p(Math.exp(-Math.abs(raw[0][i]))) + Math.max(raw[0][i], 0) - (cls === 1 ? raw[0][i] : 0);
      else loss += Math.log(Math.exp(raw[0][i]) + Math.exp(raw[1][i])) - raw[cls][i];
    }
    const last = m.trainLoss![m.trainLoss!.length - 1];
    assert.ok(Math.abs(loss / n - last) < 1e-9, `${task}: ${loss / n} vs ${last}`);
  }
});

test('buildHistogram: the sibling histogram by subtraction equals building it directly', () => {
  const rng = new Random(5);
  const n = 1001;
  const F = 3;
  const featureBins = new Int32Array([7, 255, 2]);
  const bins = new Uint8Array(F * n);
  for (let f = 0; f < F; f++) for (let i = 0; i < n; i++) bins[f * n + i] = rng.next() < 0.1 ? MISSING_BIN : rng.int(featureBins[f]);
  const grad = Float64Array.from({ length: n }, () => rng.normal());
  const hess = Float64Array.from({ length: n }, () => rng.next());
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const small = all.filter((i) => i % 3 === 0);
  const large = all.filter((i) => i % 3 !== 0);
  const size = F * 256 * 3;
  const aux = new Float64Array(3 * size);
  const gh = new Float64Array(2 * n);
  const build = (rows: Uint32Array) => {
    const h = new Float64Array(size);
    buildHistogram(h, aux, bins, n, F, rows, 0, rows.length, grad, hess, gh, featureBins);
    return h;
  };
  const parent = build(all);
  const direct = build(large);
  const viaSubtraction = parent.map((v, k) => v - build(small)[k]);
  assert.ok(aux.every((v) => v === 0), 'aux histograms are left zeroed');
  for (let f = 0; f < F; f++) {
    for (const b of [...Array.from({ length: featureBins[f] }, (_, i) => i), MISSING_BIN]) {
      for (let s = 0; s < 3; s++) {
        const k = (f * 256 + b) * 3 + s;
        assert.ok(Math.abs(direct[k] - viaSubtraction[k]) < 1e-9, `feature ${f} bin ${b} slot ${s}`);
      }
    }
    let count = 0;
    for (let b = 0; b < 256; b++) count += parent[(f * 256 + b) * 3 + 2];
    assert.equal(count, n);
  }
});

test('fitGbdt early stopping also works for regression (unstratified split)', () => {
  const rng = new Random(3);
  const x = Array.from({ length: 10_500 }, () => rng.next());
  const y = x.map((v) => Math.sin(6 * v) + rng.normal(0, 1));
  const m = fitGbdt(Table.from({ x, y }), { label: 'y', maxIter: 300, learningRate: 0.3 });
  assert.ok(m.validationLoss !== null && m.iterations < 300, `ran ${m.iterations}`);
});

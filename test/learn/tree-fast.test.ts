import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, type Value } from '../../src/index.js';
import { encodeDesign, fitDesign, fitTree, type TreeModel, type TreeNode, type TreeOptions } from '../../src/learn/index.js';
import { encodeDesignColumns, designValue } from '../../src/learn/tree-columns.js';
import { growTree, rankValues } from '../../src/learn/tree-grow.js';
import { classTarget, numericTarget } from '../../src/learn/target.js';
import { Random } from '../../src/stats/index.js';

// The fast split search (ranks, buckets, presorted orders, category histograms) against a
// brute-force CART written from the definition: every midpoint between consecutive distinct
// values of every one-hot/numeric design column, missing values tried on both sides, the best
// split minimising the weighted children impurity Σ W_child · impurity_child.

const FEATURE_THRESHOLD = 1e-7;

interface Data {
  table: Table;
  features: string[];
  /** Design columns computed here from the raw values: numeric as is, one-hot per sorted category, booleans 0/1; NaN missing. */
  design: { name: string; values: number[] }[];
}

function randomData(seed: number, n: number, missing: number): Data {
  const rng = new Random(seed);
  const maybe = <T>(v: T): T | null => (rng.next() < missing ? null : v);
  const cont = Array.from({ length: n }, () => maybe(rng.normal() * 10));
  const ints = Array.from({ length: n }, () => maybe(rng.int(7) - 3));
  const coarse = Array.from({ length: n }, () => maybe(Math.round(rng.normal() * 2) / 4));
  const cats = ['b', 'a', 'd', 'c'];
  const cat = Array.from({ length: n }, () => maybe(cats[rng.int(4)]));
  const flag = Array.from({ length: n }, () => maybe(rng.next() < 0.4));
  const score = cont.map((v, i) => (v ?? 5) / 10 + (ints[i] ?? 0) / 3 + (cat[i] === 'a' ? 1 : 0) + (flag[i] ? 0.5 : 0) + rng.normal());
  const cls = score.map((s) => (s > 1 ? 'hi' : s > 0 ? 'mid' : 'lo'));
  const bin = score.map((s) => (s > 0.5 ? 'yes' : 'no'));
  const w = Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : 0.25 + rng.int(8) / 4));
  const table = Table.from({ cont, ints, coarse, cat, flag, y: score, cls, bin, w });
  const num = (a: (number | null)[]): number[] => a.map((v) => (v === null ? NaN : v));
  const design = [
    { name: 'cont', values: num(cont) },
    { name: 'ints', values: num(ints) },
    { name: 'coarse', values: num(coarse) },
    ...[...cats].sort().map((c) => ({ name: `cat=${c}`, values: cat.map((v) => (v === null ? NaN : v === c ? 1 : 0)) })),
    { name: 'flag', values: flag.map((v) => (v === null ? NaN : v ? 1 : 0)) },
  ];
  return { table, features: ['cont', 'ints', 'coarse', 'cat', 'flag'], design };
}

/** Weighted impurity × total weight of a row set: Σ w·(y − ȳ)² for regression, W·(1 − Σ p_k²) for classes. */
function cost(rows: number[], y: ArrayLike<number>, w: ArrayLike<number>, classif: boolean): number {
  let W = 0;
  for (const i of rows) W += w[i];
  if (W <= 0) return 0;
  if (classif) {
    const byClass = new Map<number, number>();
    for (const i of rows) byClass.set(y[i], (byClass.get(y[i]) ?? 0) + w[i]);
    let q = 0;
    for (const v of byClass.values()) q += (v / W) ** 2;
    return W * (1 - q);
  }
  let mean = 0;
  for (const i of rows) mean += w[i] * y[i];
  mean /= W;
  let s = 0;
  for (const i of rows) s += w[i] * (y[i] - mean) ** 2;
  return s;
}

interface Candidate {
  feature: number;
  threshold: number;
  missingLeft: boolean;
  left: number[];
  right: number[];
  cost: number;
}

/** Every valid split of `rows`, by definition. */
function candidates(rows: number[], d: Data, y: ArrayLike<number>, w: ArrayLike<number>, classif: boolean, minLeaf: number): Candidate[] {
  const out: Candidate[] = [];
  d.design.forEach(({ values }, f) => {
    const present = rows.filter((i) => !Number.isNaN(values[i]));
    const missing = rows.filter((i) => Number.isNaN(values[i]));
    const distinct = [...new Set(present.map((i) => values[i]))].sort((a, b) => a - b);
    const tries: [number, boolean][] = [];
    for (let k = 0; k + 1 < distinct.length; k++) {
      const [v, next] = [distinct[k], distinct[k + 1]];
      if (next <= v + FEATURE_THRESHOLD) continue;
      let t = v / 2 + next / 2;
      if (t === next || !Number.isFinite(t)) t = v;
      tries.push([t, false]);
      if (missing.length > 0) tries.push([t, true]);
    }
    if (missing.length > 0 && present.length > 0) tries.push([Infinity, false]);
    for (const [threshold, missingLeft] of tries) {
      const left = rows.filter((i) => (Number.isNaN(values[i]) ? missingLeft : values[i] <= threshold));
      const right = rows.filter((i) => !(Number.isNaN(values[i]) ? missingLeft : values[i] <= threshold));
      if (left.length < minLeaf || right.length < minLeaf) continue;
      out.push({ feature: f, threshold, missingLeft, left, right, cost: cost(left, y, w, classif) + cost(right, y, w, classif) });
    }
  });
  return out;
}

/**
 * Walks the fitted tree with the brute-force partition: every node holds the rows the definition
 * sends there, every split is optimal (and the unique optimum when no other partition comes within
 * `tol`), and a leaf that could split has no valid split (depth-first growth only).
 */
function checkTree(model: TreeModel, d: Data, opts: { label: string; weight?: string; maxDepth?: number; minSamplesLeaf?: number; minSamplesSplit?: number; bestFirst?: boolean }): { unique: number; tied: number } {
  const t = d.table;
  const classif = opts.label !== 'y';
  const y = classif ? classTarget(t, opts.label).y : numericTarget(t, opts.label);
  const wCol = opts.weight ? t.column(opts.weight) : null;
  const w = Float64Array.from({ length: t.rowCount }, (_, i) => (wCol && wCol.type === 'numeric' ? wCol.values[i] : 1));
  const minLeaf = opts.minSamplesLeaf ?? 1;
  const minSplit = opts.minSamplesSplit ?? 2;
  const maxDepth = opts.maxDepth ?? Infinity;
  const nodes = model.tree.nodes;
  // The fitted design's columns in the same order as the brute-force ones.
  assert.deepEqual(model.tree.featureNames, ['num__cont', 'num__ints', 'num__coarse', 'cat__cat_a', 'cat__cat_b', 'cat__cat_c', 'cat__cat_d', 'bool__flag']);
  let unique = 0;
  let tied = 0;
  const visit = (k: number, rows: number[]): void => {
    const node = nodes[k];
    assert.equal(node.n, rows.length, `node ${k} rows`);
    const W = rows.reduce((s, i) => s + w[i], 0);
    assert.ok(Math.abs(node.weightedN - W) <= 1e-9 * Math.max(1, W), `node ${k} weight`);
    const scale = Math.max(1e-300, cost(rows, y, w, classif));
    const all = node.depth < maxDepth && rows.length >= minSplit && rows.length >= 2 * minLeaf && node.impurity > 1e-12 ? candidates(rows, d, y, w, classif, minLeaf) : [];
    if (node.feature < 0) {
      if (!opts.bestFirst) assert.equal(all.length, 0, `node ${k} is a leaf but could split`);
      return;
    }
    assert.ok(all.length > 0, `node ${k} split without a valid split`);
    const best = Math.min(...all.map((c) => c.cost));
    const values = d.design[node.feature].values;
    const goLeft = (i: number): boolean => (Number.isNaN(values[i]) ? node.missingGoesLeft : values[i] <= node.threshold);
    const left = rows.filter(goLeft);
    const right = rows.filter((i) => !goLeft(i));
    const chosen = cost(left, y, w, classif) + cost(right, y, w, classif);
    const tol = 1e-9 * Math.max(1, scale);
    assert.ok(chosen <= best + tol, `node ${k}: chosen split costs ${chosen}, the best ${best}`);
    const near = all.filter((c) => c.cost <= best + tol);
    const samePartition = (c: Candidate): boolean => c.left.length === left.length && c.left.every((i, j) => i === left[j]);
    if (near.every(samePartition)) {
      // A unique best partition: the fitted split is one that makes it, with its threshold.
      assert.ok(near.some((c) => c.feature === node.feature && c.threshold === node.threshold), `node ${k}: threshold ${node.threshold} on ${node.featureName}, expected ${near.map((c) => `${c.threshold} on ${c.feature}`).join(' / ')}`);
      unique++;
    } else tied++;
    visit(node.left, left);
    visit(node.right, right);
  };
  const rows = Array.from({ length: t.rowCount }, (_, i) => i).filter((i) => (classif ? y[i] >= 0 : !Number.isNaN(y[i])) && w[i] > 0);
  visit(0, rows);
  return { unique, tied };
}

test('rankValues ranks every value among the distinct values, by counting (integers) or radix sort (others)', () => {
  const rng = new Random(3);
  const cases: Record<string, number[]> = {
    integers: Array.from({ length: 500 }, () => rng.int(40) - 20),
    sparse: Array.from({ length: 500 }, () => (rng.next() < 0.8 ? 0 : rng.int(100000))),
    reals: Array.from({ length: 500 }, () => rng.normal() * 1e3),
    signs: [-0, 0, -0, 1e-300, -1e-300, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, 0.5, -0.5],
    huge: Array.from({ length: 200 }, () => (rng.next() - 0.5) * 1e300),
    ties: Array.from({ length: 300 }, () => [1.5, -2.25, 1e10, 3][rng.int(4)]),
  };
  for (const [name, raw] of Object.entries(cases)) {
    const values = Float64Array.from(raw, (v) => (rng.next() < 0.1 ? NaN : v));
    const n = values.length;
    // Every other row is a training row; the rest must stay unranked.
    const rows = Int32Array.from({ length: Math.ceil(n / 2) }, (_, k) => 2 * k);
    const r = rankValues(values, rows, n);
    const present = [...rows].filter((i) => !Number.isNaN(values[i]));
    const distinct = [...new Set(present.map((i) => (values[i] === 0 ? 0 : values[i])))].sort((a, b) => a - b);
    assert.deepEqual([...r.distinct].map((v) => (v === 0 ? 0 : v)), distinct, name);
    for (let i = 0; i < n; i++) {
      const training = i % 2 === 0 && !Number.isNaN(values[i]);
      assert.equal(r.rank[i], training ? distinct.indexOf(values[i] === 0 ? 0 : values[i]) : -1, `${name} row ${i}`);
    }
    const sorted = present.slice().sort((a, b) => values[a] - values[b] || a - b);
    assert.deepEqual([...(r.sorted ?? [])], sorted, `${name}: rows in value order, ties by row`);
    assert.deepEqual([...(r.sortedRank ?? [])], sorted.map((i) => r.rank[i]), `${name}: their ranks`);
    // Without asking, the order is only there when sorting made the ranks (the radix sort).
    const lean = rankValues(values, rows, n, Infinity);
    assert.deepEqual(lean.rank, r.rank);
    assert.ok(lean.sorted === null || lean.sorted.length === sorted.length);
  }
});

test('encodeDesignColumns equals encodeDesign value for value (impute and keep, indicators, unseen and missing categories, all-missing columns)', () => {
  const train = Table.from({ x: [1, null, 3, -0, 2.5], c: ['a', null, 'b', 'a', 'c'], f: [true, null, false, true, true], e: [null, null, null, null, null] });
  const test = Table.from({ x: [null, 7, -1], c: ['z', null, 'b'], f: [null, false, true], e: ['p', null, null] });
  for (const options of [
    { features: ['x', 'c', 'f'], standardize: false, missing: 'keep' as const },
    { features: ['x', 'c', 'f'], missingIndicator: true },
    { features: ['x', 'c', 'f'], categoricalMissing: 'zeros' as const, standardize: false },
  ]) {
    const design = fitDesign(train, options);
    for (const t of [train, test]) {
      const dense = encodeDesign(design, t);
      const cols = encodeDesignColumns(design, t);
      for (let i = 0; i < t.rowCount; i++) {
        for (let j = 0; j < dense.cols; j++) assert.ok(Object.is(designValue(cols, j, i), dense.data[i * dense.cols + j]), `${JSON.stringify(options)} row ${i} column ${design.names[j]}`);
      }
    }
  }
  // A column with no values at all reads as missing whatever its type; one with values of another type is an error, as encodeDesign.
  const design = fitDesign(Table.from({ e: ['u', 'v'] }), { features: ['e'], missing: 'keep' });
  const allMissing = Table.from({ e: [null, null] });
  const dense = encodeDesign(design, allMissing);
  const cols = encodeDesignColumns(design, allMissing);
  for (let j = 0; j < dense.cols; j++) assert.ok(Object.is(designValue(cols, j, 0), dense.data[j]));
  assert.throws(() => encodeDesignColumns(design, Table.from({ e: [1, 2] })), /trained on a categorical column/);
});

test('the fast split search grows the brute-force CART tree: classification, regression, weights, missing values, one-hot categories', () => {
  let unique = 0;
  let tied = 0;
  for (let trial = 0; trial < 12; trial++) {
    const d = randomData(100 + trial, 60 + 20 * trial, trial % 2 === 0 ? 0.15 : 0);
    for (const label of ['y', 'cls', 'bin']) {
      for (const opts of [
        { label, maxDepth: 5 },
        { label, weight: 'w', minSamplesLeaf: 4, maxDepth: 6 },
        { label, minSamplesLeaf: 3, minSamplesSplit: 10 },
        { label, weight: 'w', maxLeafNodes: 8, minSamplesLeaf: 2, bestFirst: true },
      ]) {
        const { bestFirst: _, ...treeOptions } = opts as typeof opts & { bestFirst?: boolean };
        const model = fitTree(d.table, { ...(treeOptions as TreeOptions), features: d.features, seed: trial });
        const r = checkTree(model, d, opts);
        unique += r.unique;
        tied += r.tied;
      }
    }
  }
  // The check is only as strong as its unique optima: most splits must be.
  assert.ok(unique > 10 * tied, `${unique} unique optima, ${tied} ties`);
});

/** growTree with the split search forced down one path. */
function growWith(table: Table, options: TreeOptions & { label: string }, tuning: { histogramFactor?: number; presortAbove?: number }): TreeNode[] {
  const features = options.features as string[];
  const design = fitDesign(table, { features, standardize: false, missing: 'keep' });
  const x = encodeDesignColumns(design, table);
  const regression = table.column(options.label).type === 'numeric';
  const t = regression ? null : classTarget(table, options.label);
  const yReg = regression ? numericTarget(table, options.label) : undefined;
  const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i).filter((i) => (t ? t.y[i] >= 0 : !Number.isNaN((yReg as Float64Array)[i])));
  return growTree({
    design,
    x,
    rows,
    yClass: t?.y,
    yReg,
    K: t ? t.classes.length : 0,
    maxDepth: options.maxDepth ?? Infinity,
    minSamplesSplit: options.minSamplesSplit ?? 2,
    minSamplesLeaf: options.minSamplesLeaf ?? 1,
    maxLeafNodes: options.maxLeafNodes,
    seed: options.seed ?? 0,
    ...tuning,
  });
}

test('buckets, sorted node rows and presorted orders give the same tree bit for bit', () => {
  for (let trial = 0; trial < 6; trial++) {
    const d = randomData(200 + trial, 400, trial % 2 === 0 ? 0.1 : 0);
    for (const options of [
      { label: 'y', features: d.features },
      { label: 'cls', features: d.features, minSamplesLeaf: 3 },
      { label: 'bin', features: d.features, maxLeafNodes: 10, maxDepth: 6 },
    ]) {
      const reference = fitTree(d.table, options).tree.nodes;
      // Deep trees have nodes far smaller than the number of distinct values: all three paths run.
      for (const tuning of [{ histogramFactor: Infinity, presortAbove: Infinity }, { histogramFactor: 0, presortAbove: Infinity }, { presortAbove: 0 }, { histogramFactor: 0, presortAbove: 50 }]) {
        assert.deepEqual(growWith(d.table, options, tuning), reference, `trial ${trial} ${options.label} ${JSON.stringify(tuning)}`);
      }
    }
  }
});

test('apply routes rows column by column as the fitted splits say, without the dense design matrix', async () => {
  const d = randomData(7, 300, 0.2);
  const model = fitTree(d.table, { label: 'cls', features: d.features, maxDepth: 6 });
  const leaf = model.apply(d.table);
  const nodes = model.tree.nodes;
  for (let i = 0; i < d.table.rowCount; i++) {
    let k = 0;
    while (nodes[k].feature >= 0) {
      const v = d.design[nodes[k].feature].values[i];
      k = Number.isNaN(v) ? (nodes[k].missingGoesLeft ? nodes[k].left : nodes[k].right) : v <= nodes[k].threshold ? nodes[k].left : nodes[k].right;
    }
    assert.equal(leaf[i], k, `row ${i}`);
  }
  // New data with an unseen category (zeros in every one-hot column) is fine; a table without the model's columns is not.
  const row: Record<string, Value[]> = { cont: [1], ints: [null], coarse: [0], cat: ['zz'], flag: [true] };
  assert.equal(model.apply(Table.from(row)).length, 1);
  assert.throws(() => model.apply(Table.from({ cont: [1] })));
});

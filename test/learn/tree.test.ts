import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, isUserError } from '../../src/index.js';
import { fitTree, type TreeModel } from '../../src/learn/index.js';
import { gaussian, reference, referenceData } from './fixture.js';

const TREE_FEATURES = ['x1', 'x2', 'x4', 'grp'];

async function labels(model: TreeModel, t: Table): Promise<string[]> {
  const p = await model.predict(t);
  assert.notEqual(p.task, 'regression');
  return p.task === 'regression' ? [] : Array.from(p.labels, (k) => p.classes[k]);
}

test('fitTree(maxDepth 3) predicts exactly as scikit-learn DecisionTreeClassifier', async () => {
  const ref = reference().tree_classifier;
  const t = referenceData();
  const model = fitTree(t, { label: 'y_bin', features: TREE_FEATURES, maxDepth: 3 });
  assert.deepEqual(model.tree.featureNames, ref.names);
  assert.deepEqual(model.classes, ref.classes);
  assert.deepEqual(await labels(model, t), ref.predictions);
  const p = await model.predict(t);
  if (p.task !== 'regression') ref.proba_yes.forEach((v, i) => assert.ok(Math.abs(p.scores![1][i] - v) < 1e-12));
  const root = model.tree.nodes[0];
  assert.equal(root.featureName, ref.root.feature);
  // scikit-learn stores float32 thresholds.
  assert.ok(Math.abs(root.threshold - ref.root.threshold) < 1e-6);
  assert.ok(Math.abs(root.impurity - ref.root.impurity) < 1e-12);
  assert.equal(model.tree.nodes.filter((n) => n.feature < 0).length, ref.n_leaves);
});

test('regression trees and best-first growth (maxLeafNodes) match scikit-learn', async () => {
  const ref = reference();
  const t = referenceData();
  const reg = fitTree(t, { label: 'y_reg', features: TREE_FEATURES, maxDepth: 4, minSamplesLeaf: 5 });
  assert.equal(reg.task, 'regression');
  const p = await reg.predict(t);
  assert.equal(p.task, 'regression');
  if (p.task === 'regression') ref.tree_regressor.predictions.forEach((v, i) => assert.ok(Math.abs(p.values[i] - v) < 1e-9, `row ${i}`));
  assert.equal(reg.tree.nodes.filter((n) => n.feature < 0).length, ref.tree_regressor.n_leaves);
  const best = fitTree(t, { label: 'y_bin', features: TREE_FEATURES, maxLeafNodes: 6 });
  assert.equal(best.tree.nodes.filter((n) => n.feature < 0).length, ref.tree_best_first.n_leaves);
  assert.deepEqual(await labels(best, t), ref.tree_best_first.predictions);
});

test('leaves partition the rows: counts and weights add up at every node', () => {
  const t = referenceData();
  const model = fitTree(t, { label: 'y_reg', features: ['x1', 'x2', 'x3', 'cat', 'grp'], maxDepth: 5, weight: Float64Array.from({ length: t.rowCount }, (_, i) => 1 + (i % 3)) });
  const { nodes } = model.tree;
  for (const node of nodes) {
    if (node.feature < 0) continue;
    const [l, r] = [nodes[node.left], nodes[node.right]];
    assert.equal(l.n + r.n, node.n);
    assert.ok(Math.abs(l.weightedN + r.weightedN - node.weightedN) < 1e-9);
    assert.equal(l.parent, node.id);
    assert.equal(l.depth, node.depth + 1);
  }
  const leaf = model.apply(t);
  const counts = new Map<number, number>();
  for (const k of leaf) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [k, c] of counts) {
    assert.equal(nodes[k].feature, -1);
    assert.equal(nodes[k].n, c);
  }
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), t.rowCount);
});

test('a tree with unlimited depth fits distinct points exactly', async () => {
  const g = gaussian(11);
  const x = Array.from({ length: 200 }, () => g());
  const z = Array.from({ length: 200 }, () => g());
  const y = x.map((v, i) => Math.sin(3 * v) + z[i] * z[i]);
  const t = Table.from({ x, z, y, c: y.map((v) => (v > 0.8 ? 'hi' : v > 0 ? 'mid' : 'lo')) });
  const reg = fitTree(t, { label: 'y', features: ['x', 'z'] });
  const p = await reg.predict(t);
  assert.deepEqual(p.task === 'regression' ? Array.from(p.values) : [], y);
  const cls = fitTree(t, { label: 'c', features: ['x', 'z'] });
  assert.equal(cls.task, 'multiclass');
  assert.deepEqual(await labels(cls, t), t.column('c').type === 'categorical' ? Array.from({ length: 200 }, (_, i) => String(t.row(i).c)) : []);
  assert.ok(cls.tree.nodes.filter((n) => n.feature < 0).every((n) => n.impurity === 0));
});

test('the root split equals the brute-force best split on tiny data', () => {
  const g = gaussian(5);
  for (let trial = 0; trial < 20; trial++) {
    const n = 9;
    const a = Array.from({ length: n }, () => Math.round(g() * 4) / 2);
    const b = Array.from({ length: n }, () => Math.round(g() * 4) / 2);
    const y = a.map((v, i) => (v + b[i] + g() > 0 ? 'p' : 'n'));
    const w = Array.from({ length: n }, (_, i) => 1 + ((i * 7 + trial) % 4));
    const t = Table.from({ a, b, y, w });
    const model = fitTree(t, { label: 'y', features: ['a', 'b'], maxDepth: 1, weight: 'w' });
    const gini = (rows: number[]) => {
      const W = rows.reduce((s, i) => s + w[i], 0);
      const pw = rows.reduce((s, i) => s + (y[i] === 'p' ? w[i] : 0), 0);
      return W === 0 ? 0 : W * (1 - (pw / W) ** 2 - (1 - pw / W) ** 2);
    };
    let best = Infinity;
    for (const col of [a, b]) {
      const values = [...new Set(col)].sort((u, v) => u - v);
      for (let k = 0; k + 1 < values.length; k++) {
        const thr = (values[k] + values[k + 1]) / 2;
        const idx = col.map((_, i) => i);
        best = Math.min(best, gini(idx.filter((i) => col[i] <= thr)) + gini(idx.filter((i) => col[i] > thr)));
      }
    }
    const root = model.tree.nodes[0];
    if (best === Infinity || root.feature < 0) {
      assert.ok(root.feature < 0 || best === Infinity ? root.impurity === 0 || best === Infinity : false);
      continue;
    }
    const col = root.column === 'a' ? a : b;
    const idx = col.map((_, i) => i);
    const chosen = gini(idx.filter((i) => col[i] <= root.threshold)) + gini(idx.filter((i) => col[i] > root.threshold));
    assert.ok(Math.abs(chosen - best) < 1e-12, `trial ${trial}: chosen ${chosen}, best ${best}`);
  }
});

test('missing values go to the side that reduces impurity most, recorded per node', async () => {
  // Missing x behaves like large x: the tree should send missing values right.
  const x = [1, 2, 3, 4, 10, 11, 12, null, null, null];
  const y = ['n', 'n', 'n', 'n', 'p', 'p', 'p', 'p', 'p', 'p'];
  const t = Table.from({ x, y });
  const model = fitTree(t, { label: 'y', features: ['x'] });
  const root = model.tree.nodes[0];
  assert.equal(root.threshold, 7);
  assert.equal(root.missingGoesLeft, false);
  assert.equal(model.tree.nodes.length, 3);
  assert.deepEqual(await labels(model, t), y);
  assert.deepEqual(model.path(root.right), [{ feature: 0, featureName: 'num__x', column: 'x', op: '>', threshold: 7, missing: true }]);
  // Only missing separates the classes: all non-missing left, missing right.
  const t2 = Table.from({ x: [1, 2, 3, null, null], y: ['n', 'n', 'n', 'p', 'p'] });
  const m2 = fitTree(t2, { label: 'y', features: ['x'] });
  assert.equal(m2.tree.nodes[0].threshold, Infinity);
  assert.deepEqual(await labels(m2, t2), ['n', 'n', 'n', 'p', 'p']);
});

test('categorical features are one-hot: a split reads as a category, unseen categories go left', async () => {
  const t = Table.from({ c: ['a', 'b', 'c', 'a', 'b', 'c'], y: [1, 5, 1, 1, 5, 1] });
  const model = fitTree(t, { label: 'y', features: ['c'] });
  const root = model.tree.nodes[0];
  assert.equal(root.featureName, 'cat__c_b');
  assert.equal(root.threshold, 0.5);
  assert.deepEqual(model.path(root.right), [{ feature: 1, featureName: 'cat__c_b', column: 'c', op: '>', threshold: 0.5, missing: false, category: 'b' }]);
  const p = await model.predict(Table.from({ c: ['b', 'zzz'] }));
  assert.deepEqual(p.task === 'regression' ? Array.from(p.values) : [], [5, 1]);
});

test('fitTree is deterministic for a seed, honours limits and validates options', () => {
  const t = referenceData();
  const a = fitTree(t, { label: 'y_bin', features: ['x1', 'x2', 'x3', 'cat'], seed: 3, minSamplesLeaf: 10 });
  const b = fitTree(t, { label: 'y_bin', features: ['x1', 'x2', 'x3', 'cat'], seed: 3, minSamplesLeaf: 10 });
  assert.deepEqual(JSON.parse(JSON.stringify(a.tree)), JSON.parse(JSON.stringify(b.tree)));
  assert.ok(a.tree.nodes.every((n) => n.n >= 10));
  const shallow = fitTree(t, { label: 'y_bin', maxDepth: 0 });
  assert.equal(shallow.tree.nodes.length, 1);
  assert.throws(() => fitTree(t, { label: 'y_bin', maxLeafNodes: 1 }), (e) => isUserError(e) && e.code === 'invalid_option');
  assert.throws(() => fitTree(t, { label: 'nope' }), (e) => isUserError(e) && e.code === 'unknown_column');
  const one = fitTree(Table.from({ x: [1], y: ['a'] }), { label: 'y' });
  assert.equal(one.tree.nodes.length, 1);
});

test('integer weights give the same tree as repeated rows', async () => {
  const t = referenceData();
  const w = Float64Array.from({ length: t.rowCount }, (_, i) => i % 3);
  const idx: number[] = [];
  w.forEach((k, i) => {
    for (let r = 0; r < k; r++) idx.push(i);
  });
  const a = fitTree(t, { label: 'y_reg', features: ['x1', 'x2', 'x3', 'cat'], maxDepth: 4, weight: w });
  const b = fitTree(t.take(idx), { label: 'y_reg', features: ['x1', 'x2', 'x3', 'cat'], maxDepth: 4 });
  assert.equal(a.tree.nodes.length, b.tree.nodes.length);
  a.tree.nodes.forEach((n, k) => {
    const m = b.tree.nodes[k];
    assert.equal(n.feature, m.feature);
    assert.equal(n.threshold, m.threshold);
    assert.equal(n.weightedN, m.weightedN);
    assert.ok(Math.abs(n.value[0] - m.value[0]) < 1e-9);
  });
});

test('rows with a missing label are left out; an all-missing feature is never split on; the positive class goes second', async () => {
  const t = Table.from({
    x: [1, 2, 3, 4, 5, 6],
    none: [null, null, null, null, null, null] as (number | null)[],
    y: ['p', 'p', null, 'n', 'n', 'n'],
  });
  const model = fitTree(t, { label: 'y', features: ['none', 'x'], positive: 'p' });
  assert.deepEqual(model.classes, ['n', 'p']);
  assert.equal(model.tree.nodes[0].n, 5);
  assert.equal(model.tree.nodes[0].featureName, 'num__x');
  assert.equal(model.tree.nodes[0].threshold, 3);
  const flipped = fitTree(t, { label: 'y', features: ['x'], positive: 'n' });
  assert.deepEqual(flipped.classes, ['p', 'n']);
  assert.deepEqual(flipped.tree.nodes[0].value, [0.4, 0.6]);
  assert.throws(() => fitTree(Table.from({ x: [] as number[], y: [] as string[] }), { label: 'y', task: 'regression' }), (e) => isUserError(e) && e.code === 'empty_training_set');
});

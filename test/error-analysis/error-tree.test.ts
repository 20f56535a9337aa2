import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { errorTree } from '../../src/error-analysis/index.js';
import type { ErrorTree } from '../../src/error-analysis/index.js';
import { assess } from '../../src/assess/index.js';
import { evaluateMask, parseExpression } from '../../src/cohort/index.js';
import { generateLoans, LOAN_DEMO_FACTS } from '../../src/demo/loans.js';
import { isUserError } from '../../src/errors/index.js';
import { Random } from '../../src/stats/index.js';
import { Bitset, Table, valueAt, type Value } from '../../src/table/index.js';

/** A random table: numeric (with missing), categorical (with missing), boolean features and a binary label/prediction. */
function randomTable(seed: number, n: number, missing = 0.1): Table {
  const r = new Random(seed);
  const x: (number | null)[] = [];
  const z: (number | null)[] = [];
  const c: (string | null)[] = [];
  const b: (boolean | null)[] = [];
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = Math.round(r.normal() * 100) / 10;
    const ci = ['a', 'b', "o'k", 'd e'][r.int(4)];
    x.push(r.next() < missing ? null : xi);
    z.push(r.next() < missing ? null : r.int(5) - 2);
    c.push(r.next() < missing ? null : ci);
    b.push(r.next() < missing ? null : r.next() < 0.5);
    y.push(r.next() < 0.5 ? 1 : 0);
    // The model is wrong more often for large x and for category a.
    const wrong = r.next() < 0.1 + (xi > 5 ? 0.4 : 0) + (ci === 'a' ? 0.3 : 0);
    p.push(wrong ? 1 - y[i] : y[i]);
  }
  return Table.from({ x, z, 'the c': c, b, y, p });
}

const maskOf = (table: Table, expression: string): Bitset => evaluateMask(parseExpression(expression), table);
const errorRateByAssess = (table: Table, options: { label: string; pred: string; weight?: string; task?: 'multiclass' }, where: string) =>
  1 - (assess(table, { ...options, where, bootstrap: 0, curves: false }).overall.accuracy as number);

/** The invariants every error tree keeps: exact node expressions, partitions, counts. */
function checkTree(table: Table, tree: ErrorTree, usable: Bitset): void {
  const leaves = tree.nodes.filter((n) => n.children === null);
  const covered = new Int32Array(table.rowCount);
  for (const node of tree.nodes) {
    const mask = maskOf(table, node.expression).and(usable);
    assert.equal(mask.count(), node.rows, `rows of #${node.id}: ${node.expression}`);
    if (node.children) {
      const [l, r] = node.children.map((k) => maskOf(table, tree.nodes[k].expression).and(usable));
      assert.equal(l.and(r).count(), 0, `children of #${node.id} overlap`);
      assert.equal(l.or(r).count(), mask.count(), `children of #${node.id} do not cover it`);
      assert.equal(l.or(r).andNot(mask).count(), 0);
    }
  }
  for (const leaf of leaves) for (const i of maskOf(table, leaf.expression).and(usable).toIndices()) covered[i]++;
  for (let i = 0; i < table.rowCount; i++) assert.equal(covered[i], usable.get(i) ? 1 : 0, `row ${i} is in ${covered[i]} leaves`);
  const root = tree.nodes[0];
  assert.ok(Math.abs(leaves.reduce((s, l) => s + l.errors, 0) - root.errors) < 1e-9);
  if (root.errors > 0) assert.ok(Math.abs(leaves.reduce((s, l) => s + (l.coverage ?? 0), 0) - 1) < 1e-9);
}

test('errorTree: every node expression selects exactly its rows, leaves partition the data and error rates equal assess (random tables)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 15 }), (seed, n, maxDepth, minLeafRows) => {
      const table = randomTable(seed, n);
      const tree = errorTree(table, { label: 'y', pred: 'p', maxDepth, minLeafRows });
      checkTree(table, tree, Bitset.all(n));
      for (const node of tree.nodes) {
        assert.ok(Math.abs((node.errorRate as number) - errorRateByAssess(table, { label: 'y', pred: 'p' }, node.expression)) < 1e-12, node.expression);
        assert.ok(Math.abs((node.metrics.accuracy as number) - (1 - (node.errorRate as number))) < 1e-12);
      }
    }),
    { numRuns: 60 },
  );
});

test('errorTree finds the planted failure: large x and category a', () => {
  const table = randomTable(7, 4000, 0);
  const tree = errorTree(table, { label: 'y', pred: 'p', maxDepth: 2 });
  assert.deepEqual(tree.features, ['x', 'z', 'the c', 'b']);
  const worst = tree.nodes.filter((n) => n.children === null).sort((a, b) => (b.errorRate as number) - (a.errorRate as number))[0];
  assert.match(worst.expression, /x > 4\.\d+|x > 5/);
  assert.match(worst.expression, /"the c" = 'a'/);
  assert.ok((worst.errorRate as number) > 0.7);
});

test('errorTree: missing values are routed by the expression itself (or x is null) and rows without label are left out', () => {
  const base = randomTable(3, 400, 0.3);
  const y = Array.from({ length: 400 }, (_, i) => (i % 17 === 0 ? null : (base.column('y') as { values: Float64Array }).values[i]));
  const table = Table.from({ x: Array.from({ length: 400 }, (_, i) => valueAt(base.column('x'), i) as number | null), y, p: Array.from((base.column('p') as { values: Float64Array }).values) });
  const tree = errorTree(table, { label: 'y', pred: 'p', minLeafRows: 10 });
  assert.ok(tree.nodes.length > 1);
  const usable = maskOf(table, 'y is not null');
  checkTree(table, tree, usable);
  assert.ok(tree.nodes.some((n) => /x is null/.test(n.expression)), 'some branch takes the missing x');
  assert.equal(tree.nodes[0].rows, usable.count());
  assert.ok(tree.warnings.some((w) => w.code === 'dropped_rows'));
});

test('errorTree with where: every expression includes it and error rates equal assess on it', () => {
  const table = randomTable(11, 500);
  const where = "b = true or \"the c\" = 'b'";
  const tree = errorTree(table, { label: 'y', pred: 'p', where, minLeafRows: 10 });
  assert.equal(tree.nodes[0].expression, where);
  checkTree(table, tree, maskOf(table, where));
  for (const node of tree.nodes) assert.ok(Math.abs((node.errorRate as number) - errorRateByAssess(table, { label: 'y', pred: 'p' }, node.expression)) < 1e-12);
});

test('errorTree: multiclass error is misclassification, weighted counts follow the weights', () => {
  const r = new Random(5);
  const n = 600;
  const cls = ['cat', 'dog', 'eel'];
  const y: string[] = [];
  const p: string[] = [];
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    x.push(r.int(100));
    y.push(cls[r.int(3)]);
    p.push(r.next() < (x[i] > 60 ? 0.7 : 0.2) ? cls[r.int(3)] : y[i]);
    w.push(1 + r.int(4));
  }
  const table = Table.from({ x, y, p, w });
  const tree = errorTree(table, { label: 'y', pred: 'p', weight: 'w', minLeafRows: 15 });
  assert.equal(tree.task, 'multiclass');
  assert.deepEqual(tree.features, ['x']);
  for (const node of tree.nodes) {
    assert.ok(Math.abs((node.errorRate as number) - errorRateByAssess(table, { label: 'y', pred: 'p', weight: 'w' }, node.expression)) < 1e-12);
    const mask = maskOf(table, node.expression);
    let rows = 0;
    for (const i of mask.toIndices()) rows += w[i];
    assert.equal(node.rows, rows);
  }
});

test('errorTree: regression error is the absolute residual; the node error rate is the mean absolute error', () => {
  const r = new Random(9);
  const n = 500;
  const x = Array.from({ length: n }, () => r.uniform(0, 10));
  const g = Array.from({ length: n }, () => (r.next() < 0.5 ? 'u' : 'v'));
  const y = x.map((v) => 2 * v + r.normal());
  const p = y.map((v, i) => v + (g[i] === 'u' && x[i] > 5 ? 4 : 0.5) * r.normal());
  const table = Table.from({ x, g, y, p });
  const tree = errorTree(table, { label: 'y', pred: 'p', task: 'regression' });
  assert.equal(tree.task, 'regression');
  checkTree(table, tree, Bitset.all(n));
  for (const node of tree.nodes) {
    const mae = assess(table, { label: 'y', pred: 'p', task: 'regression', where: node.expression, bootstrap: 0 }).overall.mae as number;
    assert.ok(Math.abs((node.errorRate as number) - mae) < 1e-9);
    assert.equal(node.metrics.mae, node.errorRate);
  }
  const worst = tree.nodes.filter((n) => n.children === null).sort((a, b) => (b.errorRate as number) - (a.errorRate as number))[0];
  assert.match(worst.expression, /g = 'u'/);
});

test('errorTree: one row, no errors and all-missing features give a single node', () => {
  const one = errorTree(Table.from({ x: [1], y: [1], p: [0] }), { label: 'y', pred: 'p' });
  assert.equal(one.nodes.length, 1);
  assert.equal(one.nodes[0].expression, 'true');
  assert.equal(one.nodes[0].errorRate, 1);
  assert.equal(one.nodes[0].coverage, 1);
  const perfect = errorTree(Table.from({ x: [1, 2, 3, 4], y: [1, 0, 1, 0], p: [1, 0, 1, 0] }), { label: 'y', pred: 'p', minLeafRows: 1 });
  assert.equal(perfect.nodes.length, 1);
  assert.equal(perfect.nodes[0].errorRate, 0);
  assert.equal(perfect.nodes[0].coverage, null);
  const missing = errorTree(Table.from({ x: [null, null, null, null], y: [1, 0, 1, 0], p: [0, 0, 1, 1] }), { label: 'y', pred: 'p', minLeafRows: 1 });
  assert.equal(missing.nodes.length, 1);
});

test('errorTree: user mistakes are user errors naming the problem', () => {
  const table = randomTable(1, 50);
  const expectUserError = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
  expectUserError(() => errorTree(table, { label: 'y', pred: 'p', features: ['xx'] }), /unknown column.*"x"/);
  expectUserError(() => errorTree(table, { label: 'y', pred: 'p', features: ['p'] }), /read by the label/);
  expectUserError(() => errorTree(table, { label: 'y', pred: 'p', maxDepth: -1 }), /invalid maxDepth/);
  expectUserError(() => errorTree(table, { label: 'y', pred: 'p', minLeafRows: 0.5 }), /invalid minLeafRows/);
  expectUserError(() => errorTree(Table.from({ y: [], p: [] }), { label: 'y', pred: 'p' }), /no rows/);
  expectUserError(() => errorTree(table, { label: 'y', pred: 'p', where: 'x > 1000' }), /no rows left/);
});

test('errorTree leaves out a column that copies the prediction, with a warning', () => {
  const table = randomTable(2, 200);
  const copy = Table.from({ ...Object.fromEntries(table.names().map((n) => [n, Array.from({ length: 200 }, (_, i) => valueAt(table.column(n), i) as Value)])), decision: Array.from((table.column('p') as { values: Float64Array }).values, (v) => (v ? 'yes' : 'no')) });
  const tree = errorTree(copy, { label: 'y', pred: 'p' });
  assert.ok(!tree.features.includes('decision'));
  assert.ok(tree.warnings.some((w) => w.code === 'feature_left_out' && /decision/.test(w.message)));
});

test('errorTree on the demo loans: the planted cohort (region South, age under 30) is a node with far more than the overall error', () => {
  const table = generateLoans(10000, new Random(1));
  const planted = maskOf(table, LOAN_DEMO_FACTS.highErrorCohort.expression);
  const tree = errorTree(table, { label: 'repaid', pred: 'score >= 0.5', features: ['age', 'region'] });
  const overall = tree.nodes[0].errorRate as number;
  const jaccard = (m: Bitset) => m.and(planted).count() / m.or(planted).count();
  const found = tree.nodes.map((n) => ({ n, j: jaccard(maskOf(table, n.expression)) })).sort((a, b) => b.j - a.j)[0];
  assert.ok(found.j >= 0.95, `best overlap ${found.j} (${found.n.expression})`);
  // The planted cohort's decisions are reversed: about 75% error against about 26% overall.
  assert.ok((found.n.errorRate as number) >= 2.5 * overall, `${found.n.errorRate} vs overall ${overall}`);
});

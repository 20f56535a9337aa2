import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permutationImportance } from '../../src/explain/index.js';
import { isUserError } from '../../src/errors/index.js';
import { jsModel, type JsModelRow } from '../../src/model/index.js';
import { Random } from '../../src/stats/index.js';
import { categoricalColumn, numericColumn, Table } from '../../src/table/index.js';

const num = (r: JsModelRow, k: string) => r[k] as number;

/** Standard-normal a, b, z and y = 3a + b (regression) plus a binary label from the same score. */
function data(n: number, seed = 1): Table {
  const rng = new Random(seed);
  const a = Array.from({ length: n }, () => rng.normal());
  const b = Array.from({ length: n }, () => rng.normal());
  const z = Array.from({ length: n }, () => rng.normal());
  const y = a.map((v, i) => 3 * v + b[i]);
  const cls = y.map((v) => (v + rng.normal(0, 0.5) > 0 ? 'yes' : 'no'));
  return new Table([numericColumn('a', a), numericColumn('b', b), numericColumn('z', z), numericColumn('y', y), categoricalColumn('cls', cls)]);
}

const regression = jsModel({ task: 'regression', inputs: ['a', 'b', 'z'], predict: (rows) => rows.map((r) => 3 * num(r, 'a') + num(r, 'b')) });
const binary = jsModel({
  task: 'binary',
  classes: ['no', 'yes'],
  inputs: ['a', 'b', 'z'],
  predict: (rows) => rows.map((r) => 1 / (1 + Math.exp(-(3 * num(r, 'a') + num(r, 'b'))))),
});

test('permutationImportance gives exactly 0 to a feature the model ignores, in every repeat', async () => {
  const t = data(300);
  for (const model of [regression, binary]) {
    const r = await permutationImportance(model, t, { label: model.task === 'regression' ? 'y' : 'cls', repeats: 4 });
    const z = r.features.find((f) => f.name === 'z');
    assert.deepEqual(z?.values, [0, 0, 0, 0]);
    assert.equal(z?.mean, 0);
    assert.equal(z?.std, 0);
  }
});

test('permutationImportance ranks a above b for y = 3a + b on standardised inputs', async () => {
  const t = data(500);
  const r = await permutationImportance(regression, t, { label: 'y' });
  assert.equal(r.metric, 'r2');
  assert.equal(r.baseline, 1);
  assert.deepEqual(r.features.map((f) => f.name), ['a', 'b', 'z']);
  // Permuting a adds 2·9·var(a) to the mse: the r2 drop is about 18/10; for b about 2/10.
  assert.ok(Math.abs((r.features[0].mean as number) - 1.8) < 0.3, String(r.features[0].mean));
  assert.ok(Math.abs((r.features[1].mean as number) - 0.2) < 0.08, String(r.features[1].mean));
  const c = await permutationImportance(binary, t, { label: 'cls', positive: 'yes' });
  assert.equal(c.metric, 'roc_auc');
  assert.deepEqual(c.features.map((f) => f.name), ['a', 'b', 'z']);
  assert.ok((c.features[1].mean as number) > 0);
});

test('permutationImportance flips the sign for losses, so larger is more important', async () => {
  const t = data(300);
  for (const metric of ['log_loss', 'mse', 'accuracy']) {
    const model = metric === 'mse' ? regression : binary;
    const r = await permutationImportance(model, t, { label: metric === 'mse' ? 'y' : 'cls', metric, repeats: 3 });
    assert.equal(r.features[0].name, 'a', metric);
    assert.ok((r.features[0].mean as number) > 0, metric);
  }
});

test('permutationImportance is identical for the same seed, each repeat its own permutation', async () => {
  const t = data(200);
  const one = await permutationImportance(regression, t, { label: 'y', seed: 7, repeats: 3 });
  const two = await permutationImportance(regression, t, { label: 'y', seed: 7, repeats: 3 });
  assert.deepEqual(one, two);
  assert.equal(one.seed, 7);
  const a = one.features[0].values as number[];
  assert.ok(new Set(a).size === 3, 'repeats differ');
  const other = await permutationImportance(regression, t, { label: 'y', seed: 8, repeats: 3 });
  assert.notDeepEqual(other.features[0].values, a);
});

test('permutationImportance scores all repeats of a feature in one predict call, each changed row once', async () => {
  const t = data(50).withColumn(numericColumn('g', Array.from({ length: 50 }, (_, i) => i % 2))).withColumn(numericColumn('k', new Float64Array(50).fill(7)));
  const calls: number[] = [];
  const model = jsModel({
    task: 'regression',
    inputs: ['a', 'b', 'z', 'g', 'k'],
    predict: (rows) => {
      calls.push(rows.length);
      return rows.map((r) => 3 * num(r, 'a') + num(r, 'b') + num(r, 'g'));
    },
  });
  await permutationImportance(model, t, { label: 'y', repeats: 5 });
  // The baseline, then one call per feature: continuous columns change in every row but a shuffle's
  // fixed points; a 0/1 column has one other value per row, scored once for all repeats; a constant
  // column changes nothing and is not scored.
  assert.equal(calls[0], 50);
  assert.equal(calls.length, 5);
  for (const c of calls.slice(1, 4)) assert.ok(c > 230 && c <= 250, String(c));
  assert.ok(calls[4] > 25 && calls[4] <= 50, String(calls[4]));
  calls.length = 0;
  const chunked = await permutationImportance(model, t, { label: 'y', repeats: 5, features: ['a'], maxRowsPerCall: 100 });
  assert.equal(calls.length, 4);
  assert.ok(calls.every((c) => c <= 100), String(calls));
  assert.equal(chunked.features[0].values.length, 5);
});

test('permutationImportance reports an explicit row sample with its seed', async () => {
  const t = data(400);
  const r = await permutationImportance(regression, t, { label: 'y', sample: { rows: 100, seed: 3 }, repeats: 2 });
  assert.equal(r.rows, 100);
  assert.deepEqual(r.sample, { rows: 100, seed: 3, of: 400 });
  const all = await permutationImportance(regression, t, { label: 'y', sample: { rows: 1000 }, repeats: 2 });
  assert.equal(all.sample, null);
  assert.equal(all.rows, 400);
});

test('permutationImportance works on one row and with multiclass models', async () => {
  const one = await permutationImportance(regression, data(3).take([0, 1]), { label: 'y', metric: 'mae', repeats: 2 });
  assert.equal(one.rows, 2);
  const t = new Table([numericColumn('x', [0, 1, 2, 0, 1, 2]), categoricalColumn('k', ['a', 'b', 'c', 'a', 'b', 'c'])]);
  const model = jsModel({ task: 'multiclass', classes: ['a', 'b', 'c'], inputs: ['x'], predict: (rows) => rows.map((r) => ['a', 'b', 'c'][r.x as number]) });
  const r = await permutationImportance(model, t, { label: 'k', repeats: 3 });
  assert.equal(r.metric, 'accuracy');
  assert.equal(r.baseline, 1);
  assert.ok((r.features[0].mean as number) >= 0);
});

test('permutationImportance rejects bad options with terse user errors', async () => {
  const t = data(20);
  const rejects = (options: Parameters<typeof permutationImportance>[2], pattern: RegExp) =>
    assert.rejects(permutationImportance(regression, t, options), (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
  await rejects({ label: 'y', metric: 'nope' }, /unknown metric: "nope"/);
  await rejects({ label: 'y', metric: 'roc_auc' }, /does not apply to a regression model/);
  await rejects({ label: 'y', metric: 'mean_prediction' }, /neither better high nor low/);
  await rejects({ label: 'y', repeats: 0 }, /invalid repeats: 0/);
  await rejects({ label: 'y', features: ['aa'] }, /unknown column: "aa"/);
  await rejects({ label: 'yy' }, /unknown column/);
  await assert.rejects(permutationImportance(regression, t.take([]), { label: 'y' }), (e: unknown) => isUserError(e) && /at least one row/.test((e as Error).message));
  await assert.rejects(permutationImportance(binary, t.take([0]), { label: 'cls' }), (e: unknown) => isUserError(e) && /roc_auc is undefined on these rows/.test((e as Error).message));
});

test('permutationImportance leaves out rows with a missing label', async () => {
  const t = new Table([numericColumn('a', [1, 2, 3, 4, 5, 6]), numericColumn('y', [1, 2, NaN, 4, 5, 6]), categoricalColumn('c', ['n', 'y', null, 'y', 'n', 'y'])]);
  const reg = jsModel({ task: 'regression', inputs: ['a'], predict: (rows) => rows.map((r) => num(r, 'a')) });
  assert.equal((await permutationImportance(reg, t, { label: 'y', metric: 'mae' })).baseline, 0);
  const bin = jsModel({ task: 'binary', classes: ['n', 'y'], inputs: ['a'], predict: (rows) => rows.map((r) => num(r, 'a') / 6) });
  const r = await permutationImportance(bin, t, { label: 'c', metric: 'accuracy' });
  assert.equal(r.baseline, 3 / 5);
  assert.ok(r.features[0].values.every((v) => v !== null && Number.isFinite(v)));
});

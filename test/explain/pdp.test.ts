import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partialDependence } from '../../src/explain/index.js';
import { isUserError } from '../../src/errors/index.js';
import { jsModel, type JsModelRow } from '../../src/model/index.js';
import { Random } from '../../src/stats/index.js';
import { booleanColumn, categoricalColumn, numericColumn, Table } from '../../src/table/index.js';

const num = (r: JsModelRow, k: string) => r[k] as number;

function data(n: number, seed = 2): Table {
  const rng = new Random(seed);
  return new Table([
    numericColumn('a', Array.from({ length: n }, () => rng.normal())),
    numericColumn('b', Array.from({ length: n }, () => rng.normal())),
    categoricalColumn('color', Array.from({ length: n }, () => ['red', 'green', 'blue'][rng.int(3)])),
  ]);
}

const linear = jsModel({ task: 'regression', inputs: ['a', 'b'], predict: (rows) => rows.map((r) => 3 * num(r, 'a') + num(r, 'b') + 1) });

test('partialDependence of a linear regression model is a straight line with its slope, ICE curves parallel', async () => {
  const t = data(200);
  const pd = await partialDependence(linear, t, { feature: 'a', grid: 10 });
  assert.equal(pd.kind, 'numeric');
  assert.equal(pd.output, 'value');
  assert.equal(pd.grid.length, 10);
  const grid = pd.grid as number[];
  for (let g = 1; g < grid.length; g++) {
    assert.ok(grid[g] > grid[g - 1]);
    const slope = (pd.average[g] - pd.average[g - 1]) / (grid[g] - grid[g - 1]);
    assert.ok(Math.abs(slope - 3) < 1e-9, String(slope));
  }
  assert.equal(pd.ice?.length, 200);
  for (const curve of pd.ice as number[][]) {
    // Parallel: every curve is the average shifted by a constant.
    const shift = curve[0] - pd.average[0];
    for (let g = 0; g < grid.length; g++) assert.ok(Math.abs(curve[g] - pd.average[g] - shift) < 1e-9);
  }
});

test('partialDependence grid: quantiles between the 5th and 95th percentiles, or every distinct value', async () => {
  const t = new Table([numericColumn('a', Array.from({ length: 101 }, (_, i) => i)), numericColumn('b', new Array(101).fill(0))]);
  const pd = await partialDependence(linear, t, { feature: 'a', grid: 5, ice: false });
  assert.deepEqual(pd.grid.map((v) => Math.round((v as number) * 1e9) / 1e9), [5, 27.5, 50, 72.5, 95]);
  assert.equal(pd.ice, null);
  const few = await partialDependence(linear, t, { feature: 'b' });
  assert.deepEqual(few.grid, [0]);
  assert.deepEqual(few.average, [few.average[0]]);
});

test('partialDependence over a categorical feature uses every category', async () => {
  const t = data(90);
  const effect: Record<string, number> = { red: 0.9, green: 0.5, blue: 0.1 };
  const model = jsModel({
    task: 'binary',
    inputs: ['a', { name: 'color', type: 'categorical' }],
    predict: (rows) => rows.map((r) => effect[r.color as string]),
  });
  const pd = await partialDependence(model, t, { feature: 'color' });
  assert.equal(pd.kind, 'categorical');
  assert.equal(pd.output, 'probability');
  assert.equal(pd.class, '1');
  const byValue = Object.fromEntries(pd.grid.map((v, g) => [v, Math.round(pd.average[g] * 1e9) / 1e9]));
  assert.deepEqual(byValue, effect);
  const negative = await partialDependence(model, t, { feature: 'color', class: '0' });
  assert.ok(Math.abs(negative.average[0] + pd.average[0] - 1) < 1e-12);
});

test('partialDependence over a boolean feature, and a model giving labels only', async () => {
  const t = new Table([booleanColumn('flag', [true, false, true, null])]);
  const model = jsModel({ task: 'binary', classes: ['n', 'y'], inputs: [{ name: 'flag', type: 'categorical' }], predict: (rows) => rows.map((r) => (r.flag === 'true' || r.flag === true ? 'y' : 'n')) });
  const pd = await partialDependence(model, t, { feature: 'flag' });
  assert.deepEqual(pd.grid, ['false', 'true']);
  assert.deepEqual(pd.average, [0, 1]);
  assert.equal(pd.output, 'predicted_share');
});

test('partialDependence samples rows explicitly, seeded, in one predict call', async () => {
  const t = data(1000);
  const calls: number[] = [];
  const model = jsModel({
    task: 'regression',
    inputs: ['a', 'b'],
    batchSize: 1e6,
    predict: (rows) => {
      calls.push(rows.length);
      return rows.map((r) => num(r, 'a') * num(r, 'b'));
    },
  });
  const one = await partialDependence(model, t, { feature: 'a', seed: 4 });
  assert.deepEqual(calls, [500 * 20]);
  assert.equal(one.rows, 500);
  assert.equal(one.of, 1000);
  assert.equal(one.seed, 4);
  assert.deepEqual(await partialDependence(model, t, { feature: 'a', seed: 4 }), one);
  const other = await partialDependence(model, t, { feature: 'a', seed: 5 });
  assert.notDeepEqual(other.rowIndices, one.rowIndices);
  const all = await partialDependence(model, t, { feature: 'a', rows: Infinity, grid: 3 });
  assert.equal(all.rows, 1000);
});

test('partialDependence rejects bad options with terse user errors', async () => {
  const t = data(10);
  const rejects = (options: Parameters<typeof partialDependence>[2], pattern: RegExp) =>
    assert.rejects(partialDependence(linear, t, options), (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
  await rejects({ feature: 'aa' }, /unknown column: "aa"/);
  await rejects({ feature: 'a', grid: 1 }, /invalid grid: 1/);
  await rejects({ feature: 'a', rows: 0 }, /invalid rows: 0/);
  await rejects({ feature: 'a', class: 'x' }, /regression model has no classes/);
  await rejects({ feature: 'a', percentiles: [0.9, 0.1] }, /invalid percentiles/);
  await assert.rejects(partialDependence(linear, t.take([]), { feature: 'a' }), (e: unknown) => isUserError(e) && /at least one row/.test((e as Error).message));
  const multi = jsModel({ task: 'multiclass', classes: ['a', 'b', 'c'], inputs: ['a'], predict: (rows) => rows.map(() => [0.2, 0.3, 0.5]) });
  await assert.rejects(partialDependence(multi, t, { feature: 'a' }), (e: unknown) => isUserError(e) && /needs the class to trace/.test((e as Error).message));
  const pd = await partialDependence(multi, t, { feature: 'a', class: 'c', grid: 3 });
  assert.deepEqual(pd.average, [0.5, 0.5, 0.5]);
});

test('partialDependence leaves missing and keeps huge feature values in the grid', async () => {
  const t = new Table([numericColumn('a', [NaN, 1e300, -1e300, NaN]), numericColumn('b', [0, 0, 0, 0])]);
  const pd = await partialDependence(linear, t, { feature: 'a' });
  assert.deepEqual(pd.grid, [-1e300, 1e300]);
  assert.deepEqual(pd.average, [-3e300 + 1, 3e300 + 1]);
  const empty = new Table([numericColumn('a', [NaN, NaN]), numericColumn('b', [0, 0])]);
  await assert.rejects(partialDependence(linear, empty, { feature: 'a' }), (e: unknown) => isUserError(e) && /"a" has no values/.test((e as Error).message));
});

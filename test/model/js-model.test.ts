import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, jsModel, Table, type JsModelRow, type Predictions } from '../../src/index.js';
import { runModelConformance } from './model.case.js';

const N = 40;
const x = Array.from({ length: N }, (_, i) => (i % 9 === 4 ? null : Math.sin(i) * 2));
const group = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : null));
const TABLE = Table.from({ x, group });

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const score = (r: JsModelRow) => sigmoid(((r.x as number | null) ?? 0) + (r.group === 'a' ? 1 : 0));

const p1 = Float64Array.from({ length: N }, (_, i) => score({ x: x[i], group: group[i] }));
const binary: Predictions = { task: 'binary', classes: ['no', 'yes'], labels: Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0)), scores: [p1.map((p) => 1 - p), p1] };
runModelConformance(
  'js binary (positive-class probability)',
  async () => jsModel({ name: 'rule', task: 'binary', classes: ['no', 'yes'], inputs: ['x', { name: 'group', type: 'categorical' }], predict: (rows) => rows.map(score) }),
  TABLE,
  binary,
  1e-12,
);

const soft = (r: JsModelRow): number[] => {
  const z = [0, (r.x as number | null) ?? 0, r.group === 'b' ? 1 : -1].map(Math.exp);
  const s = z[0] + z[1] + z[2];
  return z.map((v) => v / s);
};
const probs = Array.from({ length: N }, (_, i) => soft({ x: x[i], group: group[i] }));
runModelConformance(
  'js multiclass (async, class probabilities)',
  async () => jsModel({ task: 'multiclass', classes: ['r', 'g', 'b'], inputs: ['x', 'group'], predict: async (rows) => rows.map(soft) }),
  TABLE,
  { task: 'multiclass', classes: ['r', 'g', 'b'], labels: Int32Array.from(probs, (p) => p.indexOf(Math.max(...p))), scores: [0, 1, 2].map((k) => Float64Array.from(probs, (p) => p[k])) },
  1e-12,
);

runModelConformance(
  'js regression',
  async () => jsModel({ task: 'regression', inputs: ['x'], predict: (rows) => rows.map((r) => ((r.x as number | null) ?? 0) * 3) }),
  TABLE,
  { task: 'regression', values: Float64Array.from(x, (v) => (v ?? 0) * 3) },
  0,
);

runModelConformance(
  'js labels',
  async () => jsModel({ task: 'binary', classes: ['low', 'high'], inputs: ['x'], predict: (rows) => rows.map((r) => (((r.x as number | null) ?? 0) > 0 ? 'high' : 'low')) }),
  TABLE,
  { task: 'binary', classes: ['low', 'high'], labels: Int32Array.from(x, (v) => ((v ?? 0) > 0 ? 1 : 0)), scores: null },
  0,
  { skip: { 'gives probabilities in [0, 1] that sum to 1': 'a label-only model gives no probabilities' } },
);

test('jsModel passes row objects with only the inputs, null for missing, in batches', async () => {
  const batches: JsModelRow[][] = [];
  const model = jsModel({
    task: 'regression',
    inputs: ['x', 'group'],
    batchSize: 16,
    predict: (rows) => {
      batches.push(rows);
      return rows.map(() => 0);
    },
  });
  await model.predict(TABLE.withColumn({ type: 'numeric', name: 'extra', values: new Float64Array(N) }));
  assert.deepEqual(batches.map((b) => b.length), [16, 16, 8]);
  assert.deepEqual(batches[0][2], { x: x[2], group: null });
  assert.deepEqual(batches[0][4], { x: null, group: 'b' });
  await model.predict(TABLE.take([]));
  assert.equal(batches.length, 3, 'no call for an empty table');
});

test('jsModel reports wrong counts and invalid outputs naming the model', async () => {
  const make = (out: unknown[], task: 'binary' | 'multiclass' = 'binary') =>
    jsModel({ name: 'bad', task, classes: task === 'binary' ? ['n', 'y'] : ['a', 'b', 'c'], inputs: ['x'], predict: () => out as number[] });
  const t = TABLE.take([0, 1]);
  const rejects = (out: unknown[], pattern: RegExp, task?: 'binary' | 'multiclass') =>
    assert.rejects(make(out, task).predict(t), (e: unknown) => isUserError(e) && pattern.test(e.message));
  await rejects([0.5], /^jsModel "bad" returned 1 predictions for 2 rows \(expected 2\)$/);
  await rejects([0.5, 2], /invalid prediction for row 1: 2 \(expected a probability in \[0, 1\]\)/);
  await rejects([0.5, NaN], /invalid prediction for row 1/);
  await rejects(['y', 'maybe'], /row 1: "maybe" \(expected one of the classes "n", "y"\)/);
  await rejects([0.5, 'y'], /row 1: "y" \(expected probabilities, like the other rows\)/);
  await rejects([[0.2, 0.8], [1, 0, 0]], /row 1: \[1,0,0\] \(expected 2 class probabilities\)/);
  await rejects([0.5, 0.5], /row 0: 0.5 \(expected one of the classes "a", "b", "c"\)/, 'multiclass');
  await rejects([{ p: 1 }, 0], /row 0: {"p":1} \(expected class probabilities or a label\)/, 'multiclass');
  await assert.rejects(
    jsModel({ task: 'regression', inputs: ['x'], predict: () => 'oops' as unknown as number[] }).predict(t),
    (e: unknown) => isUserError(e) && /returned string, expected an array/.test(e.message),
  );
});

test('jsModel validates its options', () => {
  const predict = () => [];
  const throws = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => isUserError(e) && pattern.test(e.message));
  throws(() => jsModel({ task: 'multiclass', inputs: ['x'], predict }), /multiclass model needs classes/);
  throws(() => jsModel({ task: 'binary', classes: ['a'], inputs: ['x'], predict }), /binary model has 2 classes, got 1/);
  throws(() => jsModel({ task: 'regression', inputs: [], predict }), /needs inputs/);
  throws(() => jsModel({ task: 'regression', inputs: ['x'], predict, batchSize: 0 }), /invalid batchSize: 0/);
  throws(() => jsModel({ task: 'ranking' as 'binary', inputs: ['x'], predict }), /invalid task: "ranking"/);
});

test('jsModel defaults binary classes to ["0", "1"] and reads huge values as they are', async () => {
  const model = jsModel({ task: 'binary', inputs: ['v'], predict: (rows) => rows.map((r) => ((r.v as number) > 1e300 ? 1 : 0)) });
  assert.deepEqual(model.classes, ['0', '1']);
  const p = await model.predict(Table.from({ v: [1e308, -1e308] }));
  assert.ok(p.task === 'binary');
  assert.deepEqual([...p.labels], [1, 0]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isUserError, parseXgboostModel, predictXgboostMargins, Table, type Predictions } from '../../src/index.js';
import { runModelConformance } from './model.case.js';

const DIR = new URL('../fixtures/xgboost/', import.meta.url);

interface Fixture {
  features: string[];
  rows: (number | null)[][];
  predictions: (number | number[])[];
  margins: (number | number[])[];
}

function load(name: string): { json: unknown; data: Fixture; table: Table } {
  const json: unknown = JSON.parse(readFileSync(new URL(`${name}.model.json`, DIR), 'utf8'));
  const data = JSON.parse(readFileSync(new URL(`${name}.data.json`, DIR), 'utf8')) as Fixture;
  const cols: Record<string, (number | null)[]> = {};
  data.features.forEach((f, j) => (cols[f] = data.rows.map((r) => r[j])));
  return { json, data, table: Table.from(cols) };
}

/** XGBoost's predictions as Candor {@link Predictions}. */
function expected(task: 'binary' | 'multiclass' | 'regression', data: Fixture): Predictions {
  if (task === 'regression') return { task, values: Float64Array.from(data.predictions as number[]) };
  const probs = data.predictions.map((p) => (typeof p === 'number' ? [1 - p, p] : p));
  const k = probs[0].length;
  const scores = Array.from({ length: k }, (_, c) => Float64Array.from(probs, (p) => p[c]));
  const labels = Int32Array.from(probs, (p) => p.indexOf(Math.max(...p)));
  return { task, classes: Array.from({ length: k }, (_, c) => String(c)), labels, scores };
}

function maxMarginDiff(margins: Float64Array[], data: Fixture): number {
  let max = 0;
  data.margins.forEach((m, i) => {
    const row = typeof m === 'number' ? [m] : m;
    row.forEach((v, g) => (max = Math.max(max, Math.abs(margins[g][i] - v))));
  });
  return max;
}

const CASES = [
  ['binary', 'binary'],
  ['regression', 'regression'],
  ['multiclass', 'multiclass'],
  ['dart', 'regression'],
] as const;

for (const [name, task] of CASES) {
  const { json, data, table } = load(name);

  test(`parseXgboostModel reproduces xgboost's ${name} predictions to 1e-5`, async () => {
    const model = parseXgboostModel(json);
    assert.equal(model.task, task);
    assert.deepEqual(model.inputs.map((i) => i.name), data.features);
    const p = await model.predict(table);
    const e = expected(task, data);
    if (p.task === 'regression' && e.task === 'regression') {
      e.values.forEach((v, i) => assert.ok(Math.abs(p.values[i] - v) <= 1e-5, `row ${i}: ${p.values[i]} vs ${v}`));
    } else if (p.task !== 'regression' && e.task !== 'regression') {
      e.scores!.forEach((s, k) => s.forEach((v, i) => assert.ok(Math.abs(p.scores![k][i] - v) <= 1e-5, `row ${i} class ${k}: ${p.scores![k][i]} vs ${v}`)));
    }
  });

  test(`predictXgboostMargins reproduces xgboost's ${name} output margins to 1e-5`, () => {
    const model = parseXgboostModel(json);
    assert.ok(maxMarginDiff(predictXgboostMargins(model.booster, table), data) <= 1e-5);
  });

  runModelConformance(`xgboost ${name}`, async () => parseXgboostModel(json), table, expected(task, data), 1e-5);
}

test('parseXgboostModel exercises missing values in the fixture (default_left paths)', () => {
  const { data } = load('binary');
  assert.ok(data.rows.some((r) => r.includes(null)), 'fixture has missing values');
  const { json } = load('binary');
  const model = parseXgboostModel(json);
  assert.ok(model.booster.trees.some((t) => t.defaultLeft.some((d, i) => d === 1 && t.left[i] !== -1)));
  assert.ok(model.booster.trees.some((t) => t.defaultLeft.some((d, i) => d === 0 && t.left[i] !== -1)));
});

test('parseXgboostModel exposes trees, groups and the base margin', () => {
  const multi = parseXgboostModel(load('multiclass').json).booster;
  assert.equal(multi.groups, 3);
  assert.equal(multi.trees.length, 30);
  assert.deepEqual(multi.trees.slice(0, 6).map((t) => t.group), [0, 1, 2, 0, 1, 2]);
  const bin = parseXgboostModel(load('binary').json).booster;
  assert.equal(bin.baseMargin[0], 0); // logit(0.5)
  const tree = bin.trees[0];
  assert.ok(tree.cover[0] > 0);
  assert.ok(tree.threshold instanceof Float32Array);
});

test('parseXgboostModel maps an unnamed model by options.features, with base_score in margin space', async () => {
  const { json, data, table } = load('binary-unnamed');
  assert.throws(() => parseXgboostModel(json), (e: unknown) => isUserError(e) && e.code === 'missing_features' && /pass features/.test(e.message));
  assert.throws(() => parseXgboostModel(json, { features: ['a'] }), (e: unknown) => isUserError(e) && /1 names but the XGBoost model has 4/.test(e.message));
  const model = parseXgboostModel(json, { features: data.features });
  assert.ok(Math.abs(model.booster.baseMargin[0] - Math.log(0.3 / 0.7)) < 1e-6);
  assert.ok(maxMarginDiff(predictXgboostMargins(model.booster, table), data) <= 1e-5);
  const p = await model.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  (data.predictions as number[]).forEach((v, i) => assert.ok(Math.abs(p.scores![1][i] - v) <= 1e-5));
});

test('parseXgboostModel compares in float32 like xgboost', async () => {
  // One split at 0.1 (stored as float32 0.100000001…): the float64 0.1 is below it but fround(0.1) is not.
  const json = tinyModel({ split_conditions: [0.1, -1, 1], objective: 'reg:squarederror', base_score: '0E0' });
  const model = parseXgboostModel(json, { features: ['x'] });
  const p = await model.predict(Table.from({ x: [0.1, 0.09, null, 1e300, -1e300] }));
  assert.ok(p.task === 'regression');
  // Math.fround(0.1) === float32 threshold, so 0.1 goes right; missing goes right (default_left 0).
  assert.deepEqual([...p.values], [1, -1, 1, 1, -1]);
});

test('parseXgboostModel reads booleans as 0/1 and rejects categorical columns', async () => {
  const json = tinyModel({ split_conditions: [0.5, -1, 1], objective: 'reg:squarederror', base_score: '0E0' });
  const model = parseXgboostModel(json, { features: ['x'] });
  const p = await model.predict(Table.from({ x: [true, false, null] }));
  assert.ok(p.task === 'regression');
  assert.deepEqual([...p.values], [1, -1, 1]);
  await assert.rejects(model.predict(Table.from({ x: ['a'] })), (e: unknown) => isUserError(e) && /"x" is categorical/.test(e.message));
});

test('parseXgboostModel reports malformed and unsupported models as user errors', () => {
  const bad = (json: unknown, pattern: RegExp) => assert.throws(() => parseXgboostModel(json, { features: ['x'] }), (e: unknown) => isUserError(e) && pattern.test(e.message));
  bad(null, /missing learner/);
  bad({ learner: {} }, /missing learner.objective.name/);
  bad(tinyModel({ objective: 'rank:pairwise' }), /unsupported XGBoost objective: "rank:pairwise"/);
  bad(tinyModel({ left_children: [1, -1, 7] }), /out of range/);
  bad(tinyModel({ split_type: [1, 0, 0] }), /categorical split/);
  bad(tinyModel({ split_conditions: [0.5] }), /split_conditions should hold 3 numbers/);
  bad(tinyModel({ base_score: 'abc' }), /base_score is not a number/);
});

test('parseXgboostModel predicts an all-missing row through default branches', async () => {
  const { json } = load('binary');
  const model = parseXgboostModel(json);
  const p = await model.predict(Table.from({ age: [null], income: [null], score: [null], tenure: [null] }));
  assert.ok(p.task === 'binary' && p.scores && Number.isFinite(p.scores[1][0]));
});

/** A one-split model on feature 0: left leaf -1, right leaf 1. */
function tinyModel(o: { split_conditions?: number[]; left_children?: number[]; split_type?: number[]; objective?: string; base_score?: string }): unknown {
  return {
    learner: {
      objective: { name: o.objective ?? 'reg:squarederror' },
      learner_model_param: { base_score: o.base_score ?? '5E-1', num_class: '0', num_feature: '1' },
      feature_names: [],
      gradient_booster: {
        name: 'gbtree',
        model: {
          tree_info: [0],
          trees: [
            {
              left_children: o.left_children ?? [1, -1, -1],
              right_children: [2, -1, -1],
              split_indices: [0, 0, 0],
              split_conditions: o.split_conditions ?? [0.5, -1, 1],
              default_left: [0, 0, 0],
              split_type: o.split_type ?? [0, 0, 0],
              sum_hessian: [3, 1, 2],
            },
          ],
        },
      },
    },
  };
}

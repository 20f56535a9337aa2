import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelPositive } from '../../src/assess/resolve.js';
import { isUserError } from '../../src/errors/index.js';
import { permutationImportance } from '../../src/explain/index.js';
import { fitLogistic } from '../../src/learn/index.js';
import type { Model } from '../../src/model/index.js';
import { Random } from '../../src/stats/index.js';
import { booleanColumn, categoricalColumn, numericColumn, Table } from '../../src/table/index.js';
import { assertClose } from '../helpers/assert-close.js';

// As with UCI Adult: a model trained on income '<=50K' / '>50K', scored on rows whose labels read
// '<=50K.' / '>50K.', where the label is often a condition (income = '>50K.', hours > 40) whose
// values are true/false and name none of the model's classes.

/** Rows with features a (numeric) and b (categorical) and a noisy income; `suffix` is '' (training) or '.' (test). */
function rows(n: number, seed: number, suffix: string): { table: Table; rich: boolean[] } {
  const rng = new Random(seed);
  const a = Array.from({ length: n }, () => rng.normal());
  const b = Array.from({ length: n }, (_, i) => ['x', 'y', 'z'][i % 3]);
  const rich = a.map((v, i) => 1.5 * v + (b[i] === 'x' ? 0.8 : 0) + rng.normal(0, 1) > 0.3);
  const table = new Table([
    numericColumn('a', a),
    categoricalColumn('b', b),
    categoricalColumn('income', rich.map((r) => (r ? '>50K' : '<=50K') + suffix)),
    // hours > 40 exactly when rich: the same label written as a numeric condition.
    numericColumn('hours', rich.map((r, i) => (r ? 45 : 30) + (i % 7))),
    booleanColumn('rich', rich),
  ]);
  return { table, rich };
}

/** ROC AUC from its definition: the share of (positive, negative) pairs the score orders right, ties counting half. */
function pairAuc(positive: readonly boolean[], score: ArrayLike<number>): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < positive.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < positive.length; j++) {
      if (positive[j]) continue;
      pairs++;
      right += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return right / pairs;
}

const train = rows(400, 1, '');
const held = rows(240, 2, '.');
const model = fitLogistic(train.table, { label: 'income', features: ['a', 'b'] });

/** The model's probability of its class `cls` and its decisions on the test rows, read straight from predict. */
async function modelOutputs(m: Model, cls: string): Promise<{ score: Float64Array; says: boolean[] }> {
  const p = await m.predict(held.table);
  if (p.task === 'regression' || !p.scores) throw new Error('expected class probabilities');
  const k = p.classes.indexOf(cls);
  return { score: p.scores[k], says: Array.from(p.labels, (c) => c === k) };
}

const baseline = async (m: Model, label: string, options: { positive?: string; metric?: string } = {}) =>
  (await permutationImportance(m, held.table, { label, repeats: 1, ...options })).baseline;

test('permutation importance scores a label condition against the model positive class, as the named label does', async () => {
  assert.deepEqual(model.classes, ['<=50K', '>50K']);
  const { score } = await modelOutputs(model, '>50K');
  const expected = pairAuc(held.rich, score);
  // Far from 0.5, so an inverted pairing (1 − AUC) cannot pass.
  assert.ok(expected > 0.75, `reference AUC ${expected}`);
  assertClose(await baseline(model, 'income', { positive: '>50K.' }), expected, 'income, positive >50K.', 1e-12);
  assertClose(await baseline(model, "income = '>50K.'"), expected, "income = '>50K.'", 1e-12);
  assertClose(await baseline(model, 'hours > 40'), expected, 'hours > 40', 1e-12);
  assertClose(await baseline(model, 'rich'), expected, 'rich (a boolean column)', 1e-12);
  assertClose(await baseline(model, 'rich', { positive: 'true' }), expected, 'rich, positive true', 1e-12);
  // The false side as positive pairs with the model's negative class: P(<=50K) against income <= 50K.
  assertClose(await baseline(model, 'hours > 40', { positive: 'false' }), pairAuc(held.rich.map((r) => !r), (await modelOutputs(model, '<=50K')).score), 'hours > 40, positive false', 1e-12);
  // The importances too: the same shuffles score the same drops, and shuffling a lowers the AUC.
  const byColumn = await permutationImportance(model, held.table, { label: 'income', positive: '>50K.', repeats: 2, seed: 3 });
  assert.deepEqual(await permutationImportance(model, held.table, { label: "income = '>50K.'", repeats: 2, seed: 3 }), byColumn);
  assert.ok((byColumn.features.find((f) => f.name === 'a')?.mean ?? 0) > 0.1);
});

test('permutation importance with accuracy counts a condition true where the model predicts its positive class', async () => {
  const { says } = await modelOutputs(model, '>50K');
  const accuracy = says.filter((s, i) => s === held.rich[i]).length / says.length;
  // Not near 0.5: the complement (every decision flipped) is far from it.
  assert.ok(accuracy > 0.7, `reference accuracy ${accuracy}`);
  for (const label of ["income = '>50K.'", 'hours > 40', 'rich']) {
    assertClose(await baseline(model, label, { metric: 'accuracy' }), accuracy, label, 1e-12);
    assertClose(await baseline(model, label, { metric: 'accuracy', positive: 'false' }), accuracy, `${label}, positive false`, 1e-12);
  }
  assertClose(await baseline(model, 'income', { metric: 'accuracy', positive: '>50K.' }), accuracy, 'income, positive >50K.', 1e-12);
});

test('a model trained on the condition itself (classes false, true) scores a named label through --positive', async () => {
  const conditionModel = fitLogistic(train.table.withColumn(booleanColumn('label', train.rich)), { label: 'label', features: ['a', 'b'] });
  assert.deepEqual(conditionModel.classes, ['false', 'true']);
  const expected = pairAuc(held.rich, (await modelOutputs(conditionModel, 'true')).score);
  assertClose(await baseline(conditionModel, "income = '>50K.'"), expected, "income = '>50K.'", 1e-12);
  assertClose(await baseline(conditionModel, 'income', { positive: '>50K.' }), expected, 'income, positive >50K.', 1e-12);
  assertClose(await baseline(conditionModel, 'rich'), expected, 'rich', 1e-12);
});

test('a positive value the label does not hold fails with what to pass, instead of scoring every row negative', async () => {
  const fails = async (label: string, positive: string | undefined, message: RegExp) => {
    await assert.rejects(baseline(model, label, { positive, metric: 'accuracy' }), (e: unknown) => {
      assert.ok(isUserError(e));
      assert.equal((e as { code: string }).code, 'invalid_positive');
      assert.match((e as Error).message, message);
      return true;
    });
  };
  // The test file writes '>50K.', the model's class is '>50K': no value would be positive.
  await fails('income', undefined, /label "income" has no value ">50K", the model's positive class; its values are "<=50K\.", ">50K\.": pass --positive/);
  await fails('income', '>50K', /--positive ">50K" is not a value of the label "income"/);
  await fails("income = '>50K.'", '>50K', /--positive ">50K" is not a value of the label "income = '>50K\.'"; its values are "false", "true"/);
});

test('modelPositive pairs a label side with a model class by name, and a condition side by position', () => {
  const condition = booleanColumn('c', [true, false]);
  const named = categoricalColumn('income', ['>50K', '<=50K']);
  const classes = ['<=50K', '>50K'];
  assert.deepEqual(modelPositive(classes, condition, undefined), { positive: 'true', index: 1 });
  assert.deepEqual(modelPositive(classes, condition, 'true'), { positive: 'true', index: 1 });
  assert.deepEqual(modelPositive(classes, condition, '1'), { positive: '1', index: 1 });
  assert.deepEqual(modelPositive(classes, condition, 'false'), { positive: 'false', index: 0 });
  assert.deepEqual(modelPositive(classes, condition, '0'), { positive: '0', index: 0 });
  // A model trained on a condition has classes false and true: matched by name, whatever their order.
  assert.deepEqual(modelPositive(['true', 'false'], condition, undefined), { positive: 'true', index: 0 });
  assert.deepEqual(modelPositive(['false', 'true'], condition, 'false'), { positive: 'false', index: 0 });
  // A named label: the class of that name, else the model's positive class.
  assert.deepEqual(modelPositive(classes, named, undefined), { positive: '>50K', index: 1 });
  assert.deepEqual(modelPositive(classes, named, '<=50K'), { positive: '<=50K', index: 0 });
  assert.deepEqual(modelPositive(classes, named, '>50K.'), { positive: '>50K.', index: 1 });
  assert.deepEqual(modelPositive(['0', '1'], numericColumn('y', [0, 1]), undefined), { positive: '1', index: 1 });
});

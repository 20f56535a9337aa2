// A label written as a condition (`--label "income = '>50K.'"`) against a model file whose classes
// have names ('<=50K', '>50K'): the condition's true side is the model's positive class in
// `candor explain --method permutation`, `candor assess --model` and `candor compare --model`,
// exactly as the named label with --positive is. Before, permutation importance paired `true`
// with no class and scored 1 − AUC (0.15–0.24 on UCI Adult instead of about 0.9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../../src/adapters/io/index.js';
import { loadModel } from '../../src/adapters/load-model.js';
import type { PermutationImportance } from '../../src/explain/index.js';
import { fitLogistic, toOnnx } from '../../src/learn/index.js';
import { Random } from '../../src/stats/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { candor, type CliResult, ROOT, tempDir } from '../helpers/cli.js';

const dir = tempDir();

/** Rows with features a and b and a noisy income, written as UCI Adult's test file writes it ('>50K.' when `dot`), as CSV text. */
function rows(n: number, seed: number, dot: boolean): { csv: string; rich: boolean[] } {
  const rng = new Random(seed);
  const lines = ['a,b,income,hours,rich'];
  const rich: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal().toFixed(4);
    const b = ['x', 'y', 'z'][i % 3];
    const r = 1.5 * Number(a) + (b === 'x' ? 0.8 : 0) + rng.normal(0, 1) > 0.3;
    rich.push(r);
    // hours > 40 and the boolean column rich hold the same label as income.
    lines.push([a, b, `${r ? '>50K' : '<=50K'}${dot ? '.' : ''}`, (r ? 45 : 30) + (i % 7), r].join(','));
  }
  return { csv: `${lines.join('\n')}\n`, rich };
}

const trainPath = join(dir, 'train.csv');
writeFileSync(trainPath, rows(300, 11, false).csv);
const modelPath = join(dir, 'income.onnx');
const held = rows(200, 12, true);
const data = join(dir, 'held-out.csv');
writeFileSync(data, held.csv);

/** ROC AUC from its definition: the share of (positive, negative) pairs the score orders right, ties counting half. */
function pairAuc(positive: readonly boolean[], score: ArrayLike<number>): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < positive.length; i++) {
    for (let j = 0; j < positive.length; j++) {
      if (!positive[i] || positive[j]) continue;
      pairs++;
      right += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return right / pairs;
}

/**
 * Writes the model file (a logistic regression on the training rows, classes '<=50K' and '>50K'),
 * then the AUC and accuracy of its own probabilities and decisions on the held-out rows.
 */
async function reference(): Promise<{ auc: number; accuracy: number; complement: number }> {
  writeFileSync(modelPath, toOnnx(fitLogistic((await readTable(trainPath)).table, { label: 'income', features: ['a', 'b'] })));
  const { table } = await readTable(data);
  const model = await loadModel(modelPath, { exclude: ['income', 'hours', 'rich'] });
  const p = await model.predict(table);
  if (p.task !== 'binary' || !p.scores) throw new Error('expected a binary model with probabilities');
  assert.deepEqual(p.classes, ['<=50K', '>50K']);
  const says = Array.from(p.labels, (c) => c === 1);
  const auc = pairAuc(held.rich, p.scores[1]);
  // An inverted pairing would score 1 − auc: the reference must be far from 0.5 to tell them apart.
  assert.ok(auc > 0.75, `reference AUC ${auc}`);
  return { auc, accuracy: says.filter((s, i) => s === held.rich[i]).length / says.length, complement: pairAuc(held.rich.map((r) => !r), p.scores[0]) };
}
const expected = reference();

function ok(r: CliResult): string {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** `candor explain --method permutation`: its text and, through --out, its JSON. */
function permutation(name: string, label: string[]): { text: string; json: PermutationImportance } {
  const out = join(dir, `${name}.json`);
  const text = ok(candor(['explain', data, '--model', modelPath, '--method', 'permutation', ...label, '--repeats', '2', '--seed', '1', '--out', out]));
  return { text, json: JSON.parse(readFileSync(out, 'utf8')) as PermutationImportance };
}

test('candor explain --method permutation scores a label condition as the named label with --positive, at the model AUC', async () => {
  const { auc, complement } = await expected;
  const named = permutation('named', ['--label', 'income', '--positive', '>50K.']);
  const condition = permutation('condition', ['--label', "income = '>50K.'"]);
  const column = permutation('boolean', ['--label', 'rich']);
  assertClose(named.json.baseline, auc, 'income, --positive >50K.', 1e-12);
  assertClose(condition.json.baseline, auc, "income = '>50K.'", 1e-12);
  // Every importance, not just the baseline: the same shuffles drop the same AUC.
  assert.deepEqual(condition.json, named.json);
  assert.deepEqual(column.json, named.json);
  // The text says which rows are positive and which class scores them.
  assert.match(condition.text, /^Positive: income = '>50K\.' is true, scored by the model's class ">50K"$/m);
  assert.match(named.text, /^Positive: income = ">50K\.", scored by the model's class ">50K"$/m);
  assert.match(column.text, /^Positive: rich is true, scored by the model's class ">50K"$/m);
  // The false side as positive is scored by the model's other class.
  const falseSide = permutation('false-side', ['--label', 'hours > 40', '--positive', 'false']);
  assertClose(falseSide.json.baseline, complement, 'hours > 40, --positive false', 1e-12);
  assert.match(falseSide.text, /^Positive: hours > 40 is false, scored by the model's class "<=50K"$/m);
});

test('candor explain --method permutation on labels the model does not name (>50K. against >50K) says to pass --positive', async () => {
  await expected;
  const r = candor(['explain', data, '--model', modelPath, '--method', 'permutation', '--label', 'income']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the label "income" has no value ">50K", the model's positive class; its values are "<=50K\.", ">50K\.": pass --positive VALUE/);
});

test('candor assess --model scores a condition, its false side and a boolean column against the right class', async () => {
  const { auc, accuracy } = await expected;
  for (const label of [["income = '>50K.'"], ['hours > 40', '--positive', 'false'], ['rich']]) {
    const doc = JSON.parse(ok(candor(['assess', data, '--model', modelPath, '--label', ...label, '--bootstrap', '0', '--json']))) as { overall: Record<string, number> };
    assertClose(doc.overall.roc_auc, auc, `roc_auc, --label ${label.join(' ')}`, 1e-12);
    assertClose(doc.overall.accuracy, accuracy, `accuracy, --label ${label.join(' ')}`, 1e-12);
  }
});

test('candor compare --model scores the false side of a condition by the model negative class', async () => {
  const { auc, accuracy } = await expected;
  const args = ['compare', data, '--model', `v1=${modelPath}`, '--model', `v2=${modelPath}`, '--label', 'hours > 40', '--positive', 'false', '--exclude', 'income,hours,rich', '--bootstrap', '0', '--no-regressions', '--json'];
  const doc = JSON.parse(ok(candor(args))) as { overall: { metrics: Record<string, Record<string, number>> } };
  for (const v of ['v1', 'v2']) {
    assertClose(doc.overall.metrics[v].roc_auc, auc, `${v} roc_auc`, 1e-12);
    assertClose(doc.overall.metrics[v].accuracy, accuracy, `${v} accuracy`, 1e-12);
  }
});

test('candor explain on the committed one-hot ONNX fixture: a condition and the named label both give the AUC of its numpy probabilities', () => {
  const fixture = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'onnx', 'expected.json'), 'utf8')) as Record<string, { columns: Record<string, (string | number | null)[]>; classes: string[]; probabilities: number[][] }>).onehot;
  assert.deepEqual(fixture.classes, ['no', 'yes']);
  const bought = [true, false, true, false, false, true, true, false];
  const csv = join(dir, 'onehot.csv');
  writeFileSync(csv, `color,size,bought,spend\n${bought.map((y, i) => `${fixture.columns.color[i] ?? ''},${fixture.columns.size[i]},${y ? 'yes' : 'no'},${y ? 120 + i : 40 + i}`).join('\n')}\n`);
  const auc = pairAuc(bought, fixture.probabilities.map((p) => p[1]));
  for (const label of [['bought'], ['spend > 100']]) {
    const r = JSON.parse(ok(candor(['explain', csv, '--model', join(ROOT, 'test', 'fixtures', 'onnx', 'onehot.onnx'), '--method', 'permutation', '--label', ...label, '--exclude', 'bought,spend', '--json']))) as PermutationImportance;
    assertClose(r.baseline, auc, label.join(' '), 1e-12);
  }
});

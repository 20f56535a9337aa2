import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { rocAuc } from '../../src/index.js';
import { fitGbdt } from '../../src/learn/gbdt.js';
import { readTable } from '../../src/node.js';

const repoRoot = path.join(import.meta.dirname, '..', '..');
const datasets = path.join(repoRoot, '..', 'shared', 'datasets');
const ADULT_COLUMNS = [
  'age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship',
  'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income',
];
const missing = ['adult.data', 'adult.test'].filter((f) => !existsSync(path.join(datasets, f)));
const skip = missing.length > 0 ? `UCI Adult not found: ${missing.map((f) => path.join(datasets, f)).join(', ')}` : false;

// Acceptance: scikit-learn's HistGradientBoostingClassifier (defaults, native categoricals) reaches ~0.93.
test('fitGbdt on UCI Adult (defaults, native categoricals) reaches ROC AUC >= 0.925 on adult.test', { skip }, async () => {
  const { table: train } = await readTable(path.join(datasets, 'adult.data'), { columns: ADULT_COLUMNS });
  const { table: holdout } = await readTable(path.join(datasets, 'adult.test'), { columns: ADULT_COLUMNS, skipRows: 1 });
  const features = ADULT_COLUMNS.filter((c) => c !== 'fnlwgt' && c !== 'income');
  const model = fitGbdt(train, { label: 'income', features, seed: 0 });
  assert.deepEqual(model.classes, ['<=50K', '>50K']);
  assert.ok(model.validationLoss !== null, 'early stopping is on by default above 10,000 rows');
  assert.equal(model.inputs.filter((i) => i.type === 'categorical').length, 8);
  const p = model.predictSync(holdout);
  assert.ok(p.task === 'binary' && p.scores !== null);
  const income = holdout.column('income');
  assert.ok(income.type === 'categorical');
  const y = new Uint8Array(holdout.rowCount);
  for (let i = 0; i < y.length; i++) y[i] = income.dictionary[income.codes[i]] === '>50K.' ? 1 : 0;
  const auc = rocAuc(y, p.scores[1]).value!;
  assert.ok(auc >= 0.925, `ROC AUC ${auc} < 0.925`);
});

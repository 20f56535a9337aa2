import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rocAuc } from '../../src/index.js';
import { fitGbdt } from '../../src/learn/gbdt.js';
import { ADULT_COLUMNS, adultSkip as skip, loadAdult } from '../helpers/adult.js';

// Acceptance: scikit-learn's HistGradientBoostingClassifier (defaults, native categoricals) reaches ~0.93.
test('fitGbdt on UCI Adult (defaults, native categoricals) reaches ROC AUC >= 0.925 on adult.test', { skip }, async () => {
  const { train, test: holdout, testLabels: y } = await loadAdult();
  const features = ADULT_COLUMNS.filter((c) => c !== 'fnlwgt' && c !== 'income');
  const model = fitGbdt(train, { label: 'income', features, seed: 0 });
  assert.deepEqual(model.classes, ['<=50K', '>50K']);
  assert.ok(model.validationLoss !== null, 'early stopping is on by default above 10,000 rows');
  assert.equal(model.inputs.filter((i) => i.type === 'categorical').length, 8);
  const p = model.predictSync(holdout);
  assert.ok(p.task === 'binary' && p.scores !== null);
  const auc = rocAuc(y, p.scores[1]).value!;
  assert.ok(auc >= 0.925, `ROC AUC ${auc} < 0.925`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rocAuc } from '../../src/index.js';
import { fitLogistic } from '../../src/learn/index.js';
import { adultSkip as skip, loadAdult } from '../helpers/adult.js';
import { repoRoot } from './fixture.js';

const conformance = path.join(repoRoot, '..', 'shared', 'conformance', 'adult_fairlearn.json');
const NUMERIC = ['age', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week'];
const CATEGORICAL = ['workclass', 'education', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'native-country'];

// Acceptance: the conformance model (StandardScaler + OneHotEncoder with 'Missing' + LogisticRegression(C=1)) on adult.test.
test('fitLogistic on UCI Adult reaches ROC AUC >= 0.900 on adult.test and agrees with scikit-learn', { skip }, async () => {
  const { train, test: holdout, testLabels: y } = await loadAdult();
  const model = fitLogistic(train, { label: 'income', features: [...NUMERIC, ...CATEGORICAL] });
  assert.deepEqual(model.classes, ['<=50K', '>50K']);
  assert.ok(model.converged, `not converged after ${model.iterations} iterations`);
  const p = await model.predict(holdout);
  assert.ok(p.task === 'binary' && p.scores !== null);
  const auc = rocAuc(y, p.scores[1]).value!;
  assert.ok(auc >= 0.9, `ROC AUC ${auc} < 0.900`);
  if (existsSync(conformance)) {
    // scikit-learn ran with tol=1e-4, so its coefficients are only near the optimum.
    const ref = JSON.parse(readFileSync(conformance, 'utf8')) as { model_coefficients: Record<string, number>; model_intercept: number };
    assert.deepEqual([...model.design.names], Object.keys(ref.model_coefficients));
    model.design.names.forEach((name, j) => assert.ok(Math.abs(model.coefficients[j] - ref.model_coefficients[name]) < 0.05, `${name}: ${model.coefficients[j]} vs ${ref.model_coefficients[name]}`));
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentiatedGradient } from '../../src/mitigate/index.js';
import { adultSkip as skip, loadAdult } from '../helpers/adult.js';

const NUMERIC = ['age', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week'];
const CATEGORICAL = ['workclass', 'education', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'native-country'];

/** Expected (probability-weighted) accuracy, and the between-group differences of the rates, by sex. */
function expectedMetrics(p: Float64Array, y: Uint8Array, sex: string[]): { accuracy: number; dp: number; eo: number } {
  let correct = 0;
  const cells = new Map<string, { n: number; sel: number; pos: number; tp: number; neg: number; fp: number }>();
  for (let i = 0; i < y.length; i++) {
    correct += y[i] === 1 ? p[i] : 1 - p[i];
    const c = cells.get(sex[i]) ?? { n: 0, sel: 0, pos: 0, tp: 0, neg: 0, fp: 0 };
    c.n++;
    c.sel += p[i];
    if (y[i] === 1) {
      c.pos++;
      c.tp += p[i];
    } else {
      c.neg++;
      c.fp += p[i];
    }
    cells.set(sex[i], c);
  }
  const spread = (f: (c: { n: number; sel: number; pos: number; tp: number; neg: number; fp: number }) => number) => {
    const v = [...cells.values()].map(f);
    return Math.max(...v) - Math.min(...v);
  };
  return { accuracy: correct / y.length, dp: spread((c) => c.sel / c.n), eo: Math.max(spread((c) => c.tp / c.pos), spread((c) => c.fp / c.neg)) };
}

// Acceptance (issue 5): exponentiated gradient with the built-in logistic regression, trained on
// adult.data, evaluated on adult.test, sensitive feature sex, eps 0.01 (Fairlearn with
// scikit-learn reaches about 0.0126 / 0.834 and 0.0154 / 0.841). Fit time is measured in
// bench/reductions.bench.ts.
test('exponentiated gradient on UCI Adult meets the demographic parity and equalized odds targets on adult.test', { skip }, async () => {
  const { train, test: holdout, testLabels } = await loadAdult();
  const sexColumn = holdout.column('sex');
  assert.ok(sexColumn.type === 'categorical');
  const sex = Array.from(sexColumn.codes, (c) => sexColumn.dictionary[c]);
  const targets = { demographic_parity: { disparity: 0.02, accuracy: 0.83 }, equalized_odds: { disparity: 0.025, accuracy: 0.836 } } as const;
  for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
    const result = exponentiatedGradient(train, { label: 'income', positive: '>50K', sensitive: 'sex', constraint, eps: 0.01, features: [...NUMERIC, ...CATEGORICAL] });
    assert.deepEqual(result.model.classes, ['<=50K', '>50K']);
    assert.ok(result.training.violation <= 1e-9, `${constraint}: training violation ${result.training.violation}`);
    const p = await result.model.predict(holdout);
    assert.ok(p.task === 'binary' && p.scores);
    const m = expectedMetrics(p.scores[1], testLabels, sex);
    const disparity = constraint === 'demographic_parity' ? m.dp : m.eo;
    assert.ok(disparity <= targets[constraint].disparity, `${constraint}: test disparity ${disparity} > ${targets[constraint].disparity}`);
    assert.ok(m.accuracy >= targets[constraint].accuracy, `${constraint}: test accuracy ${m.accuracy} < ${targets[constraint].accuracy}`);
  }
});

import type { Predictions } from '../../src/index.js';
import { fitLasso, fitLinear, fitLogistic, fitMultinomial, fitTree } from '../../src/learn/index.js';
import { runModelConformance } from '../model/model.case.js';
import { reference, referenceData } from './fixture.js';

// Every built-in learner runs the shared Model suite against scikit-learn's predictions on the same rows.
const ref = reference();
const table = referenceData();
const FEATURES = ['x1', 'x2', 'x3', 'x4', 'cat', 'grp'];
const TREE_FEATURES = ['x1', 'x2', 'x4', 'grp'];

function binary(probaYes: readonly number[]): Predictions {
  const p1 = Float64Array.from(probaYes);
  return { task: 'binary', classes: ['no', 'yes'], labels: Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0)), scores: [p1.map((p) => 1 - p), p1] };
}
const regression = (values: readonly (number | string)[]): Predictions => ({ task: 'regression', values: Float64Array.from(values as number[]) });

runModelConformance('logistic', async () => fitLogistic(table, { label: 'y_bin', features: FEATURES }), table, binary(ref.logistic.proba_yes), 1e-6);
const proba = ref.multinomial.proba.map((c) => Float64Array.from(c));
const multinomial: Predictions = {
  task: 'multiclass',
  classes: ref.multinomial.classes,
  labels: Int32Array.from(proba[0], (_, i) => proba.reduce((best, c, k) => (c[i] > proba[best][i] ? k : best), 0)),
  scores: proba,
};
runModelConformance('multinomial', async () => fitMultinomial(table, { label: 'y_cls', features: FEATURES, C: 0.5 }), table, multinomial, 1e-6);
runModelConformance('ridge', async () => fitLinear(table, { label: 'y_reg', features: FEATURES, alpha: 1 }), table, regression(ref.ridge.predictions), 1e-8);
runModelConformance('linear', async () => fitLinear(table, { label: 'y_reg', features: FEATURES }), table, regression(ref.linear.predictions), 1e-8);
runModelConformance('lasso', async () => fitLasso(table, { label: 'y_reg', features: FEATURES, alpha: 0.1 }), table, regression(ref.lasso.predictions), 1e-6);
runModelConformance('tree classifier', async () => fitTree(table, { label: 'y_bin', features: TREE_FEATURES, maxDepth: 3 }), table, binary(ref.tree_classifier.proba_yes), 1e-12);
runModelConformance(
  'tree regressor',
  async () => fitTree(table, { label: 'y_reg', features: TREE_FEATURES, maxDepth: 4, minSamplesLeaf: 5 }),
  table,
  regression(ref.tree_regressor.predictions),
  1e-9,
);

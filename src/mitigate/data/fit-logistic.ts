import { encodeDesign, fitDesign } from '../../learn/design.js';
import { type LogisticModel, type LogisticOptions, logisticModel, trainingRows } from '../../learn/logistic.js';
import { binaryTarget, rowWeights } from '../../learn/target.js';
import { MISSING_BOOL, type Table } from '../../table/index.js';
import { solveWeightedLogistic, sparseRows } from '../reductions/logistic-solver.js';

/**
 * `fitLogistic`'s model — the same design (standardised, one-hot, its means weighted by the row
 * weights), the same objective `(1/S)·Σ wᵢ·logloss + ‖β‖²/(2·C·S)` and classes — solved by
 * Newton's method on sparse rows (the reductions' solver) instead of L-BFGS on dense ones. Both
 * stop at a gradient below `tol`, so they reach the same optimum; Newton gets there in a handful
 * of passes, which on Adult's one-hot design is about fifteen times faster. The data mitigations
 * fit their before and after learners with it, so a before/after takes seconds, not tens of them.
 * Deterministic.
 * @example
 * const model = fitLogisticNewton(train, { label: 'income', features: ['age', 'education'], weight: 'w' });
 */
export function fitLogisticNewton(table: Table, options: LogisticOptions): LogisticModel {
  const { label, positive, C = 1, tol = 1e-10 } = options;
  const weightName = typeof options.weight === 'string' ? options.weight : undefined;
  const features = options.features ?? table.names().filter((n) => n !== label && n !== weightName);
  const weight = rowWeights(table, options.weight);
  const { classes, y } = binaryTarget(table, label, positive);
  // As fitLogistic: rows without a label do not shape the encoder.
  let designWeight = weight;
  if (y.includes(MISSING_BOOL)) {
    designWeight = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) designWeight[i] = y[i] === MISSING_BOOL ? 0 : weight ? weight[i] : 1;
  }
  const design = fitDesign(table, { ...options.design, features, weight: designWeight });
  const x = sparseRows(encodeDesign(design, table));
  const { idx, S } = trainingRows(table.rowCount, (i) => y[i] === MISSING_BOOL, weight);
  const w = new Float64Array(table.rowCount);
  const target = new Float64Array(table.rowCount);
  for (const i of idx) {
    w[i] = (weight ? weight[i] : 1) / S;
    target[i] = y[i];
  }
  const sol = solveWeightedLogistic(x, target, w, 1 / (C * S), { tol, maxIter: options.maxIter });
  const p = x.cols - 1;
  return logisticModel(design, classes, sol.theta.slice(0, p), sol.theta[p], { C, iterations: sol.iterations, converged: sol.converged });
}

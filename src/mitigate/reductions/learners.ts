import { userError } from '../../errors/index.js';
import { encodeDesign, fitDesign, type DesignOptions } from '../../learn/design.js';
import { fitGbdt, type GbdtOptions } from '../../learn/gbdt.js';
import { linearModel, solveRidge } from '../../learn/linear.js';
import { logisticModel } from '../../learn/logistic.js';
import { categoricalFromCodes, numericColumn } from '../../table/index.js';
import type { BoundLearner, Fitted, Learner, LearnerData } from './learner.js';
import { solveWeightedLogistic, sparseRows } from '../../learn/logistic-solver.js';

/** Options of {@link logisticLearner}. */
export interface LogisticLearnerOptions {
  /** Inverse L2 regularisation strength, as scikit-learn's `C`. Defaults to 1. */
  readonly C?: number;
  /** Iteration limit per fit. Defaults to 100 (Newton) or 1000 (L-BFGS). */
  readonly maxIter?: number;
  /** Stop a fit when every gradient component of the mean weighted objective is below this. Defaults to 1e-8. */
  readonly tol?: number;
  /** `newton` (default up to 1,000 design columns) or `lbfgs`. */
  readonly solver?: 'newton' | 'lbfgs';
  /** Start each fit from the solution of the nearest earlier problem. Defaults to true (false: from zero, as a fresh fit). */
  readonly warmStart?: boolean;
  /** Design-matrix options (standardisation, missing values), as `fitLogistic`'s. */
  readonly design?: Omit<DesignOptions, 'features' | 'weight'>;
}

/**
 * L2-regularised logistic regression as a best-response learner: the model `fitLogistic` fits
 * (standardised, one-hot design; objective `(1/Σw)·Σ wᵢ·logloss + ‖β‖²/(2·C·Σw)`, scikit-learn's
 * `C`), with the design encoded once for every fit, each fit solved by Newton's method and started
 * from the solution of the nearest earlier problem (a warm start) — what makes dozens of fits
 * cheap. The design (means, scales, categories) is fitted on the unweighted training rows.
 */
export function logisticLearner(options: LogisticLearnerOptions = {}): Learner {
  const { C = 1, maxIter, tol = 1e-8, solver, warmStart = true } = options;
  if (!(C > 0) || !Number.isFinite(C)) throw userError('invalid_option', `invalid C: ${C} (expected a number > 0)`, { option: 'C' });
  if (maxIter !== undefined && (!Number.isInteger(maxIter) || maxIter < 1)) throw userError('invalid_option', `invalid maxIter: ${maxIter} (expected a positive integer)`, { option: 'maxIter' });
  if (!(tol > 0)) throw userError('invalid_option', `invalid tol: ${tol} (expected a number > 0)`, { option: 'tol' });
  if (solver !== undefined && solver !== 'newton' && solver !== 'lbfgs') throw userError('invalid_option', `invalid solver: ${JSON.stringify(solver)} (expected "newton" or "lbfgs")`, { option: 'solver' });
  return {
    name: 'logistic',
    task: 'binary',
    bind(data: LearnerData): BoundLearner {
      const { table, features, classes } = data;
      if (classes.length !== 2) throw new Error('logisticLearner needs two classes');
      const design = fitDesign(table, { ...options.design, features });
      const x = sparseRows(encodeDesign(design, table));
      const n = x.rows;
      const p = x.cols - 1;
      return {
        fit(target: Float64Array, weight: Float64Array, warm?: unknown): Fitted {
          let S = 0;
          for (let i = 0; i < n; i++) S += weight[i];
          if (!(S > 0)) throw userError('empty_training_set', 'cannot fit logistic regression: every weight is 0', {});
          const w = Float64Array.from(weight, (v) => v / S);
          const init = warmStart && warm instanceof Float64Array && warm.length === p + 1 ? warm : undefined;
          const sol = solveWeightedLogistic(x, target, w, 1 / (C * S), { init, tol, maxIter, solver });
          const { theta } = sol;
          const coefficients = theta.slice(0, p);
          const model = logisticModel(design, [classes[0], classes[1]], coefficients, theta[p], { C, iterations: sol.iterations, converged: sol.converged });
          // The model's own decision rule and summation order (intercept first, then the columns in
          // order; its zeros add nothing), so these decisions are exactly what predict returns.
          const train = new Float64Array(n);
          const { rowStart, col, val } = x;
          for (let i = 0; i < n; i++) {
            let z = theta[p];
            for (let q = rowStart[i]; q < rowStart[i + 1] - 1; q++) z += val[q] * coefficients[col[q]];
            train[i] = z > 0 ? 1 : 0;
          }
          return { model, train, state: theta };
        },
      };
    },
  };
}

/** Options of {@link gbdtLearner}: `fitGbdt`'s, less what the reduction sets. */
export type GbdtLearnerOptions = Omit<GbdtOptions, 'label' | 'features' | 'task' | 'positive' | 'weight' | 'seed' | 'recordTrainLoss'>;

const TARGET = '\u0000candor:target';
const WEIGHT = '\u0000candor:weight';

/**
 * Histogram gradient boosting (`fitGbdt`) as a best-response learner: each fit adds the new
 * labels and weights to the bound table as two columns (the feature columns are shared, not
 * copied). Binary fits are classifiers whose decision is the model's label; regression fits
 * minimise squared error.
 */
export function gbdtLearner(options: GbdtLearnerOptions = {}, task: 'binary' | 'regression' = 'binary'): Learner {
  return {
    name: 'gbdt',
    task,
    bind(data: LearnerData): BoundLearner {
      const { table, features, classes, seed } = data;
      const n = table.rowCount;
      return {
        fit(target: Float64Array, weight: Float64Array): Fitted {
          const labelColumn = task === 'binary' ? categoricalFromCodes(TARGET, Int32Array.from(target, (v) => (v === 1 ? 1 : 0)), [classes[0], classes[1]]) : numericColumn(TARGET, target);
          const t = table.withColumn(labelColumn).withColumn(numericColumn(WEIGHT, weight));
          const model = fitGbdt(t, { ...options, label: TARGET, features, weight: WEIGHT, task, positive: task === 'binary' ? classes[1] : undefined, seed });
          const pred = model.predictSync(table);
          const train = new Float64Array(n);
          if (pred.task === 'regression') train.set(pred.values);
          else for (let i = 0; i < n; i++) train[i] = pred.labels[i];
          return { model, train };
        },
      };
    },
  };
}

/** Options of {@link linearLearner}. */
export interface LinearLearnerOptions {
  /** L2 penalty α (scikit-learn's `Ridge(alpha)`); 0 is least squares. Defaults to 0. */
  readonly alpha?: number;
  readonly design?: Omit<DesignOptions, 'features' | 'weight'>;
}

/** Weighted least squares (ridge) regression as a best-response learner, for bounded group loss. The design is encoded once. */
export function linearLearner(options: LinearLearnerOptions = {}): Learner {
  const { alpha = 0 } = options;
  return {
    name: 'linear',
    task: 'regression',
    bind(data: LearnerData): BoundLearner {
      const design = fitDesign(data.table, { ...options.design, features: data.features });
      const x = encodeDesign(design, data.table);
      return {
        fit(target: Float64Array, weight: Float64Array): Fitted {
          const sol = solveRidge(x, target, { alpha, weight });
          const train = new Float64Array(x.rows);
          for (let i = 0; i < x.rows; i++) {
            let v = sol.intercept;
            const o = i * x.cols;
            for (let j = 0; j < x.cols; j++) v += x.data[o + j] * sol.coefficients[j];
            train[i] = v;
          }
          return { model: linearModel(design, sol, alpha > 0 ? 'l2' : 'none', alpha), train };
        },
      };
    },
  };
}

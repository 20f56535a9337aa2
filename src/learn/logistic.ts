import { userError } from '../errors/index.js';
import type { Model, Predictions, PredictOptions } from '../model/index.js';
import { MISSING_BOOL, type Table } from '../table/index.js';
import { designInputs, encodeDesign, fitDesign, type Design, type DesignMatrix, type DesignOptions } from './design.js';
import { solveWeightedLogistic, sparseRows } from './logistic-solver.js';
import { binaryTarget, rowWeights } from './target.js';

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** The label column (two classes). */
  readonly label: string;
  /** Feature columns. Defaults to every column except the label and the weight column. */
  readonly features?: readonly string[];
  /** The positive class. Defaults to the last class in sorted order (scikit-learn's `classes_[1]`). */
  readonly positive?: string;
  /** Inverse L2 regularisation strength, as scikit-learn's `C` (the intercept is not penalised). Defaults to 1. */
  readonly C?: number;
  /** Row weights: a numeric column name or one weight per row. Defaults to 1 each. */
  readonly weight?: string | Float64Array;
  /** Iteration limit: Newton steps (default 100), or L-BFGS iterations above 1,000 design columns (default 1000). */
  readonly maxIter?: number;
  /** Stop when every component of the gradient of the mean weighted loss is below this. Defaults to 1e-10. */
  readonly tol?: number;
  /** Design-matrix options (standardisation, missing values); features and weights come from above. */
  readonly design?: Omit<DesignOptions, 'features' | 'weight'>;
}

/** A fitted logistic regression: a binary {@link Model} with its coefficients on the design matrix. */
export interface LogisticModel extends Model {
  readonly task: 'binary';
  /** `[negative, positive]`. */
  readonly classes: readonly [string, string];
  /** The fitted encoder; coefficients refer to its output columns. */
  readonly design: Design;
  /** One coefficient per design column (`design.names`), on the standardised scale. */
  readonly coefficients: Float64Array;
  readonly intercept: number;
  readonly C: number;
  /** L-BFGS iterations used and whether the gradient tolerance was reached. */
  readonly iterations: number;
  readonly converged: boolean;
  /** Log-odds of the positive class for every row. */
  decisionFunction(table: Table): Float64Array;
}

/** Result of {@link solveLogistic}. */
export interface LogisticSolution {
  readonly coefficients: Float64Array;
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Largest gradient component of the objective at the solution. */
  readonly gradMax: number;
}


function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * The rows a fit uses (a label and a positive weight) and their total weight S, which scales the
 * L2 penalty `‖β‖²/(2·C·S)` so the optimum matches scikit-learn's `C·Σ wᵢ·loss + ‖β‖²/2`.
 */
export function trainingRows(rows: number, missingLabel: (i: number) => boolean, weight: Float64Array | undefined): { idx: number[]; S: number } {
  const idx: number[] = [];
  let S = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight ? weight[i] : 1;
    if (missingLabel(i) || !(w > 0)) continue;
    idx.push(i);
    S += w;
  }
  if (idx.length === 0) throw userError('empty_training_set', 'cannot fit logistic regression: no rows with a label and a positive weight', {});
  return { idx, S };
}

/**
 * Fits L2-regularised logistic regression on a design matrix. Minimises
 * `(1/S)·Σ wᵢ·logloss(yᵢ, xᵢβ + b) + ‖β‖²/(2·C·S)` with `S = Σ wᵢ`, which has the same optimum
 * as scikit-learn's `C·Σ wᵢ·logloss + ‖β‖²/2`, by Newton's method on the design's sparse rows
 * (L-BFGS above 1,000 columns; see {@link solveWeightedLogistic}) until every gradient component is
 * below `tol`. Rows with a missing label (255) or weight 0 are left out.
 */
export function solveLogistic(
  x: DesignMatrix,
  y: Uint8Array,
  options: { readonly C?: number; readonly weight?: Float64Array; readonly maxIter?: number; readonly tol?: number } = {},
): LogisticSolution {
  const { C = 1, weight, maxIter, tol = 1e-10 } = options;
  if (!(C > 0)) throw userError('invalid_option', `invalid C: ${C} (expected a number > 0)`, { option: 'C' });
  const { idx, S } = trainingRows(x.rows, (i) => y[i] === MISSING_BOOL, weight);
  const w = new Float64Array(x.rows);
  const target = new Float64Array(x.rows);
  for (const i of idx) {
    w[i] = (weight ? weight[i] : 1) / S;
    target[i] = y[i];
  }
  const sol = solveWeightedLogistic(sparseRows(x), target, w, 1 / (C * S), { tol, ...(maxIter !== undefined ? { maxIter } : {}) });
  const p = x.cols;
  return { coefficients: sol.theta.slice(0, p), intercept: sol.theta[p], iterations: sol.iterations, converged: sol.converged, gradMax: sol.gradMax };
}

/**
 * Fits a binary L2-regularised logistic regression on the standardised, one-hot design matrix of
 * `features` (see {@link fitDesign}; the encoder's means use the same row weights), as
 * scikit-learn's `LogisticRegression(C, solver='lbfgs')` after `StandardScaler` and `OneHotEncoder`.
 * Deterministic.
 * @example
 * const model = fitLogistic(train, { label: 'income', features: ['age', 'education'] });
 * const pred = await model.predict(test); // pred.scores[1] = P(positive)
 */
export function fitLogistic(table: Table, options: LogisticOptions): LogisticModel {
  const { label, positive, C = 1, maxIter, tol = 1e-10 } = options;
  const weightName = typeof options.weight === 'string' ? options.weight : undefined;
  const features = options.features ?? table.names().filter((n) => n !== label && n !== weightName);
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature`, { column: label });
  const weight = rowWeights(table, options.weight);
  const { classes, y } = binaryTarget(table, label, positive);
  // Rows without a label must not shape the encoder either.
  let designWeight = weight;
  if (y.includes(MISSING_BOOL)) {
    designWeight = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) designWeight[i] = y[i] === MISSING_BOOL ? 0 : weight ? weight[i] : 1;
  }
  const design = fitDesign(table, { ...options.design, features, weight: designWeight });
  const x = encodeDesign(design, table);
  const sol = solveLogistic(x, y, { C, weight, maxIter, tol });
  return logisticModel(design, classes, sol.coefficients, sol.intercept, { C, iterations: sol.iterations, converged: sol.converged });
}

/** A {@link LogisticModel} from known parameters (for deserialisation and tests). */
export function logisticModel(
  design: Design,
  classes: readonly [string, string],
  coefficients: Float64Array,
  intercept: number,
  info: { C?: number; iterations?: number; converged?: boolean } = {},
): LogisticModel {
  if (coefficients.length !== design.names.length) throw new Error(`expected ${design.names.length} coefficients, got ${coefficients.length}`);
  const decisionFunction = (table: Table): Float64Array => {
    const { data, rows, cols } = encodeDesign(design, table);
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let z = intercept;
      const o = i * cols;
      for (let j = 0; j < cols; j++) z += data[o + j] * coefficients[j];
      out[i] = z;
    }
    return out;
  };
  return {
    name: 'logistic',
    task: 'binary',
    classes,
    inputs: designInputs(design),
    design,
    coefficients,
    intercept,
    C: info.C ?? 1,
    iterations: info.iterations ?? 0,
    converged: info.converged ?? true,
    decisionFunction,
    async predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      options?.signal?.throwIfAborted();
      const z = decisionFunction(table);
      const n = z.length;
      const labels = new Int32Array(n);
      const p1 = new Float64Array(n);
      const p0 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = sigmoid(z[i]);
        p1[i] = p;
        p0[i] = sigmoid(-z[i]);
        // scikit-learn predicts the positive class when the decision function is > 0.
        labels[i] = z[i] > 0 ? 1 : 0;
      }
      options?.onProgress?.(1);
      return { task: 'binary', classes, labels, scores: [p0, p1] };
    },
  };
}

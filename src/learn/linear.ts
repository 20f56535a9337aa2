import { userError } from '../errors/index.js';
import type { Model, Predictions, PredictOptions } from '../model/index.js';
import type { Table } from '../table/index.js';
import { designInputs, encodeDesign, fitDesign, type Design, type DesignMatrix, type DesignOptions } from './design.js';
import { numericTarget, rowWeights } from './target.js';

/** Options shared by {@link fitLinear} and {@link fitLasso}. */
export interface LinearOptions {
  /** The numeric label column. */
  readonly label: string;
  /** Feature columns. Defaults to every column except the label and the weight column. */
  readonly features?: readonly string[];
  /** Row weights: a numeric column name or one weight per row. Defaults to 1 each. */
  readonly weight?: string | Float64Array;
  /** Design-matrix options (standardisation defaults to true, missing values); features and weights come from above. */
  readonly design?: Omit<DesignOptions, 'features' | 'weight'>;
}

/** Options of {@link fitLinear}. */
export interface RidgeOptions extends LinearOptions {
  /** L2 penalty α of `‖y − Xβ − b‖²_W + α‖β‖²` (scikit-learn's `Ridge(alpha)`); 0 is ordinary least squares. Defaults to 0. */
  readonly alpha?: number;
}

/** Options of {@link fitLasso}. */
export interface LassoOptions extends LinearOptions {
  /** L1 penalty α of `(1/2n)‖y − Xβ − b‖² + α‖β‖₁` (scikit-learn's `Lasso(alpha)`). Defaults to 1. */
  readonly alpha?: number;
  /** Coordinate-descent sweeps. Defaults to 10000. */
  readonly maxIter?: number;
  /** Stop when no coefficient moves by more than this in a sweep. Defaults to 1e-12. */
  readonly tol?: number;
}

/** A fitted linear model: a regression {@link Model} with its coefficients on the design matrix. */
export interface LinearModel extends Model {
  readonly task: 'regression';
  readonly design: Design;
  /** One coefficient per design column (`design.names`). */
  readonly coefficients: Float64Array;
  readonly intercept: number;
  readonly penalty: 'none' | 'l2' | 'l1';
  readonly alpha: number;
  /** Design columns left at 0 because they were linearly dependent on earlier ones (least squares only). */
  readonly dropped: readonly string[];
  readonly iterations: number;
  readonly converged: boolean;
}

/** Coefficients and intercept of a linear fit on a design matrix. */
export interface LinearSolution {
  readonly coefficients: Float64Array;
  readonly intercept: number;
  /** Indices of columns set to 0 as linearly dependent (ridge with α = 0 only). */
  readonly dropped: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
}

interface Centered {
  /** Column-major centred matrix, only the rows used. */
  readonly xc: Float64Array;
  readonly yc: Float64Array;
  readonly w: Float64Array;
  readonly xMean: Float64Array;
  readonly yMean: number;
  readonly m: number;
  readonly sumW: number;
}

function center(x: DesignMatrix, y: Float64Array, weight: Float64Array | undefined): Centered {
  const { data, rows, cols: p } = x;
  const idx: number[] = [];
  for (let i = 0; i < rows; i++) if (!Number.isNaN(y[i]) && (weight ? weight[i] > 0 : true)) idx.push(i);
  const m = idx.length;
  if (m === 0) throw userError('empty_training_set', 'cannot fit a linear model: no rows with a label and a positive weight', {});
  const w = new Float64Array(m);
  let sumW = 0;
  for (let k = 0; k < m; k++) sumW += w[k] = weight ? weight[idx[k]] : 1;
  const xMean = new Float64Array(p);
  let yMean = 0;
  for (let k = 0; k < m; k++) {
    const i = idx[k];
    const wk = w[k] / sumW;
    yMean += wk * y[i];
    for (let j = 0; j < p; j++) xMean[j] += wk * data[i * p + j];
  }
  const xc = new Float64Array(m * p);
  const yc = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = idx[k];
    yc[k] = y[i] - yMean;
    for (let j = 0; j < p; j++) xc[j * m + k] = data[i * p + j] - xMean[j];
  }
  return { xc, yc, w, xMean, yMean, m, sumW };
}

/**
 * Solves `A x = b` for symmetric positive semi-definite `A` (row-major p×p) by Cholesky. A pivot
 * that is ~0 relative to its diagonal marks a column dependent on earlier ones: its coefficient is
 * fixed at 0 (a least-squares solution, not the minimum-norm one).
 */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): { x: Float64Array; dropped: number[] } {
  const L = new Float64Array(p * p);
  const dropped: number[] = [];
  const skip = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    let s = a[j * p + j];
    for (let k = 0; k < j; k++) s -= L[j * p + k] * L[j * p + k];
    if (!(s > 1e-10 * Math.max(a[j * p + j], 1e-300))) {
      skip[j] = 1;
      dropped.push(j);
      continue;
    }
    const d = Math.sqrt(s);
    L[j * p + j] = d;
    for (let i = j + 1; i < p; i++) {
      let t = a[i * p + j];
      for (let k = 0; k < j; k++) t -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = t / d;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (skip[i]) continue;
    let t = b[i];
    for (let k = 0; k < i; k++) t -= L[i * p + k] * z[k];
    z[i] = t / L[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (skip[i]) continue;
    let t = z[i];
    for (let k = i + 1; k < p; k++) t -= L[k * p + i] * x[k];
    x[i] = t / L[i * p + i];
  }
  return { x, dropped };
}

/**
 * Weighted least squares with an unpenalised intercept and L2 penalty α on the coefficients:
 * centres X and y by their weighted means and solves `(XᵀWX + αI) β = XᵀWy` by Cholesky (as
 * scikit-learn's `Ridge(alpha)` with `sample_weight`). Rows with a NaN label or weight 0 are left out.
 */
export function solveRidge(x: DesignMatrix, y: Float64Array, options: { readonly alpha?: number; readonly weight?: Float64Array } = {}): LinearSolution {
  const { alpha = 0, weight } = options;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw userError('invalid_option', `invalid alpha: ${alpha} (expected a number ≥ 0)`, { option: 'alpha' });
  const p = x.cols;
  const { xc, yc, w, xMean, yMean, m } = center(x, y, weight);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  const wx = new Float64Array(m);
  for (let j = 0; j < p; j++) {
    const oj = j * m;
    let bj = 0;
    for (let k = 0; k < m; k++) {
      wx[k] = w[k] * xc[oj + k];
      bj += wx[k] * yc[k];
    }
    b[j] = bj;
    for (let l = 0; l <= j; l++) {
      const ol = l * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += wx[k] * xc[ol + k];
      A[j * p + l] = s;
      A[l * p + j] = s;
    }
    A[j * p + j] += alpha;
  }
  const { x: coefficients, dropped } = choleskySolve(A, b, p);
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j] * coefficients[j];
  return { coefficients, intercept, dropped, iterations: 1, converged: true };
}

/**
 * The lasso by cyclic coordinate descent: minimises `(1/2S)·Σ wᵢ(yᵢ − xᵢβ − b)² + α‖β‖₁` with
 * `S = Σ wᵢ` (scikit-learn's `Lasso(alpha)` objective; with unit weights S = n). The intercept is
 * unpenalised (weighted centring). Rows with a NaN label or weight 0 are left out.
 */
export function solveLasso(
  x: DesignMatrix,
  y: Float64Array,
  options: { readonly alpha?: number; readonly weight?: Float64Array; readonly maxIter?: number; readonly tol?: number } = {},
): LinearSolution {
  const { alpha = 1, weight, maxIter = 10000, tol = 1e-12 } = options;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw userError('invalid_option', `invalid alpha: ${alpha} (expected a number ≥ 0)`, { option: 'alpha' });
  const p = x.cols;
  const { xc, yc, w, xMean, yMean, m, sumW } = center(x, y, weight);
  const z = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += w[k] * xc[j * m + k] * xc[j * m + k];
    z[j] = s / sumW;
  }
  const beta = new Float64Array(p);
  const r = Float64Array.from(yc);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    let maxDelta = 0;
    let maxBeta = 0;
    for (let j = 0; j < p; j++) {
      if (z[j] === 0) continue;
      const oj = j * m;
      let rho = 0;
      for (let k = 0; k < m; k++) rho += w[k] * xc[oj + k] * r[k];
      rho = rho / sumW + z[j] * beta[j];
      const nb = rho > alpha ? (rho - alpha) / z[j] : rho < -alpha ? (rho + alpha) / z[j] : 0;
      const delta = nb - beta[j];
      if (delta !== 0) {
        for (let k = 0; k < m; k++) r[k] -= delta * xc[oj + k];
        beta[j] = nb;
      }
      maxDelta = Math.max(maxDelta, Math.abs(delta));
      maxBeta = Math.max(maxBeta, Math.abs(nb));
    }
    if (maxDelta <= tol * Math.max(1, maxBeta)) {
      converged = true;
      break;
    }
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j] * beta[j];
  return { coefficients: beta, intercept, dropped: [], iterations, converged };
}

function prepare(table: Table, options: LinearOptions): { design: Design; x: DesignMatrix; y: Float64Array; weight: Float64Array | undefined } {
  const { label } = options;
  const weightName = typeof options.weight === 'string' ? options.weight : undefined;
  const features = options.features ?? table.names().filter((n) => n !== label && n !== weightName);
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature`, { column: label });
  const weight = rowWeights(table, options.weight);
  const y = numericTarget(table, label);
  let designWeight = weight;
  if (y.some(Number.isNaN)) {
    designWeight = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) designWeight[i] = Number.isNaN(y[i]) ? 0 : weight ? weight[i] : 1;
  }
  const design = fitDesign(table, { ...options.design, features, weight: designWeight });
  return { design, x: encodeDesign(design, table), y, weight };
}

/**
 * Fits linear regression (α = 0) or ridge regression (α > 0) on the design matrix of `features`
 * (standardised numeric columns, one-hot categoricals; see {@link fitDesign}), closed form.
 * @example
 * const model = fitLinear(train, { label: 'price', features: ['area', 'rooms'], alpha: 1 });
 */
export function fitLinear(table: Table, options: RidgeOptions): LinearModel {
  const { design, x, y, weight } = prepare(table, options);
  const alpha = options.alpha ?? 0;
  const sol = solveRidge(x, y, { alpha, weight });
  return linearModel(design, sol, alpha > 0 ? 'l2' : 'none', alpha);
}

/**
 * Fits the lasso on the design matrix of `features` by cyclic coordinate descent.
 * @example
 * const model = fitLasso(train, { label: 'price', alpha: 0.1 });
 */
export function fitLasso(table: Table, options: LassoOptions): LinearModel {
  const { design, x, y, weight } = prepare(table, options);
  const alpha = options.alpha ?? 1;
  const sol = solveLasso(x, y, { alpha, weight, maxIter: options.maxIter, tol: options.tol });
  return linearModel(design, sol, 'l1', alpha);
}

/** A {@link LinearModel} from a design and a solution. */
export function linearModel(design: Design, sol: Pick<LinearSolution, 'coefficients' | 'intercept'> & Partial<LinearSolution>, penalty: 'none' | 'l2' | 'l1' = 'none', alpha = 0): LinearModel {
  const { coefficients, intercept } = sol;
  if (coefficients.length !== design.names.length) throw new Error(`expected ${design.names.length} coefficients, got ${coefficients.length}`);
  return {
    name: penalty === 'l1' ? 'lasso' : penalty === 'l2' ? 'ridge' : 'linear',
    task: 'regression',
    classes: [],
    inputs: designInputs(design),
    design,
    coefficients,
    intercept,
    penalty,
    alpha,
    dropped: (sol.dropped ?? []).map((j) => design.names[j]),
    iterations: sol.iterations ?? 0,
    converged: sol.converged ?? true,
    async predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      options?.signal?.throwIfAborted();
      const { data, rows, cols } = encodeDesign(design, table);
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        let v = intercept;
        for (let j = 0; j < cols; j++) v += data[i * cols + j] * coefficients[j];
        values[i] = v;
      }
      options?.onProgress?.(1);
      return { task: 'regression', values };
    },
  };
}

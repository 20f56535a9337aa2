import { userError } from '../errors/index.js';
import type { Model, Predictions, PredictOptions } from '../model/index.js';
import type { Table } from '../table/index.js';
import { designInputs, encodeDesign, fitDesign, type Design, type DesignMatrix } from './design.js';
import { minimizeLbfgs } from './lbfgs.js';
import { type LogisticOptions, trainingRows } from './logistic.js';
import { classTarget, rowWeights } from './target.js';

/** Options of {@link fitMultinomial}: those of `fitLogistic` without `positive`. */
export type MultinomialOptions = Omit<LogisticOptions, 'positive'>;

/** A fitted multinomial logistic regression: a {@link Model} with one coefficient vector per class. */
export interface MultinomialModel extends Model {
  readonly task: 'binary' | 'multiclass';
  readonly design: Design;
  /** `coefficients[k]` has one coefficient per design column for class k (scikit-learn's `coef_[k]`). */
  readonly coefficients: readonly Float64Array[];
  readonly intercepts: Float64Array;
  readonly C: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Result of {@link solveMultinomial}. */
export interface MultinomialSolution {
  readonly coefficients: Float64Array[];
  readonly intercepts: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly gradMax: number;
}

/** Softmax of `z` in place; returns log Σ exp(z). */
function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]);
  let s = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k] - max);
    s += z[k];
  }
  for (let k = 0; k < z.length; k++) z[k] /= s;
  return max + Math.log(s);
}

/**
 * Fits multinomial (softmax) logistic regression with an L2 penalty on every class's coefficients
 * by L-BFGS: minimises `(1/S)·Σ wᵢ·(−log pᵢ,yᵢ) + ‖W‖²/(2·C·S)`, the optimum of scikit-learn's
 * `LogisticRegression(multi_class='multinomial', C)`. `y[i]` is a class index in 0..K-1, or -1 to leave the row out.
 */
export function solveMultinomial(
  x: DesignMatrix,
  y: Int32Array,
  K: number,
  options: { readonly C?: number; readonly weight?: Float64Array; readonly maxIter?: number; readonly tol?: number } = {},
): MultinomialSolution {
  const { C = 1, weight, maxIter = 1000, tol = 1e-10 } = options;
  if (!(C > 0)) throw userError('invalid_option', `invalid C: ${C} (expected a number > 0)`, { option: 'C' });
  const { data, rows, cols: p } = x;
  const { idx, S } = trainingRows(rows, (i) => y[i] < 0, weight);
  const lambda = 1 / (C * S);
  const stride = p + 1;
  const z = new Float64Array(K);
  // θ = K blocks of [β_k (p), b_k].
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (const i of idx) {
      const o = i * p;
      for (let k = 0; k < K; k++) {
        const base = k * stride;
        let s = theta[base + p];
        for (let j = 0; j < p; j++) s += data[o + j] * theta[base + j];
        z[k] = s;
      }
      const zy = z[y[i]];
      const lse = softmaxInPlace(z);
      const w = (weight ? weight[i] : 1) / S;
      loss += w * (lse - zy);
      for (let k = 0; k < K; k++) {
        const r = w * (z[k] - (k === y[i] ? 1 : 0));
        if (r === 0) continue;
        const base = k * stride;
        for (let j = 0; j < p; j++) grad[base + j] += r * data[o + j];
        grad[base + p] += r;
      }
    }
    let pen = 0;
    for (let k = 0; k < K; k++) {
      const base = k * stride;
      for (let j = 0; j < p; j++) {
        pen += theta[base + j] * theta[base + j];
        grad[base + j] += lambda * theta[base + j];
      }
    }
    return loss + 0.5 * lambda * pen;
  };
  const r = minimizeLbfgs(objective, new Float64Array(K * stride), { maxIter, gradTol: tol });
  const coefficients = Array.from({ length: K }, (_, k) => r.x.slice(k * stride, k * stride + p));
  const intercepts = Float64Array.from({ length: K }, (_, k) => r.x[k * stride + p]);
  return { coefficients, intercepts, iterations: r.iterations, converged: r.converged, gradMax: r.gradMax };
}

/**
 * Fits multinomial logistic regression on the standardised, one-hot design matrix of `features`
 * (classes sorted as scikit-learn's `classes_`). For two classes prefer `fitLogistic`, whose
 * parameterisation matches scikit-learn's binary model. Deterministic.
 * @example
 * const model = fitMultinomial(train, { label: 'species', C: 0.5 });
 */
export function fitMultinomial(table: Table, options: MultinomialOptions): MultinomialModel {
  const { label, C = 1, maxIter = 1000, tol = 1e-10 } = options;
  const weightName = typeof options.weight === 'string' ? options.weight : undefined;
  const features = options.features ?? table.names().filter((n) => n !== label && n !== weightName);
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature`, { column: label });
  const weight = rowWeights(table, options.weight);
  const { classes, y } = classTarget(table, label);
  if (classes.length < 2) throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} has ${classes.length} class${classes.length === 1 ? '' : 'es'} (expected at least 2)`, { column: label, classes });
  let designWeight = weight;
  if (y.includes(-1)) designWeight = Float64Array.from(y, (v, i) => (v < 0 ? 0 : weight ? weight[i] : 1));
  const design = fitDesign(table, { ...options.design, features, weight: designWeight });
  const sol = solveMultinomial(encodeDesign(design, table), y, classes.length, { C, weight, maxIter, tol });
  return multinomialModel(design, classes, sol.coefficients, sol.intercepts, { C, iterations: sol.iterations, converged: sol.converged });
}

/** A {@link MultinomialModel} from known parameters (for deserialisation and tests). */
export function multinomialModel(
  design: Design,
  classes: readonly string[],
  coefficients: readonly Float64Array[],
  intercepts: Float64Array,
  info: { C?: number; iterations?: number; converged?: boolean } = {},
): MultinomialModel {
  const K = classes.length;
  if (coefficients.length !== K || intercepts.length !== K) throw new Error(`expected ${K} coefficient vectors and intercepts`);
  return {
    name: 'multinomial',
    task: K === 2 ? 'binary' : 'multiclass',
    classes,
    inputs: designInputs(design),
    design,
    coefficients,
    intercepts,
    C: info.C ?? 1,
    iterations: info.iterations ?? 0,
    converged: info.converged ?? true,
    async predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      options?.signal?.throwIfAborted();
      const { data, rows, cols } = encodeDesign(design, table);
      const scores = Array.from({ length: K }, () => new Float64Array(rows));
      const labels = new Int32Array(rows);
      const z = new Float64Array(K);
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        for (let k = 0; k < K; k++) {
          let s = intercepts[k];
          const c = coefficients[k];
          for (let j = 0; j < cols; j++) s += data[o + j] * c[j];
          z[k] = s;
        }
        let best = 0;
        for (let k = 1; k < K; k++) if (z[k] > z[best]) best = k;
        labels[i] = best;
        softmaxInPlace(z);
        for (let k = 0; k < K; k++) scores[k][i] = z[k];
      }
      options?.onProgress?.(1);
      return { task: K === 2 ? 'binary' : 'multiclass', classes, labels, scores };
    },
  };
}

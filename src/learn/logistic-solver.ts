import { minimizeLbfgs } from './lbfgs.js';
import { choleskySolve } from './linear.js';
import type { DesignMatrix } from './design.js';

/**
 * A design matrix in compressed sparse rows with a trailing intercept column of ones: row i's
 * non-zeros are `val[rowStart[i] .. rowStart[i+1])` in columns `col[…]`, ascending, the last
 * always column `cols − 1` (the intercept).
 */
export interface SparseRows {
  readonly rowStart: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
  readonly rows: number;
  /** Design columns + 1. */
  readonly cols: number;
}

/** {@link SparseRows} of a dense design matrix: one-hot designs are mostly zeros. */
export function sparseRows(x: DesignMatrix): SparseRows {
  const { data, rows, cols: p } = x;
  let nnz = rows;
  for (let k = 0; k < data.length; k++) if (data[k] !== 0) nnz++;
  const rowStart = new Int32Array(rows + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let q = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) {
      const v = data[o + j];
      if (v !== 0) {
        col[q] = j;
        val[q++] = v;
      }
    }
    col[q] = p;
    val[q++] = 1;
    rowStart[i + 1] = q;
  }
  return { rowStart, col, val, rows, cols: p + 1 };
}

/** Options of {@link solveWeightedLogistic}. */
export interface WeightedLogisticOptions {
  /** Starting point (coefficients then intercept); defaults to zeros. */
  readonly init?: Float64Array;
  /** Stop when every gradient component of the objective is below this. Defaults to 1e-8. */
  readonly tol?: number;
  /** Iteration limit. Defaults to 100 (Newton) or 1000 (L-BFGS). */
  readonly maxIter?: number;
  /** `newton` forms the Hessian (cheap for up to ~1,000 columns); `lbfgs` does not. Defaults to newton up to 1,000 columns. */
  readonly solver?: 'newton' | 'lbfgs';
}

/** The result of {@link solveWeightedLogistic}. */
export interface WeightedLogisticSolution {
  /** Coefficients, then the intercept. */
  readonly theta: Float64Array;
  /** The decision function at the solution, per row. */
  readonly z: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly gradMax: number;
}

/** Loss of one row: softplus(z) − y·z, with the sigmoid, from a single exp(−|z|). */
function rowLoss(z: number, y: number): number {
  const e = Math.exp(-Math.abs(z));
  return (z > 0 ? z : 0) + Math.log1p(e) - y * z;
}

function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * Minimises `Σ wᵢ·logloss(yᵢ, xᵢθ) + (λ/2)·‖θ without intercept‖²` (weights summing to 1, targets
 * in [0, 1]) — `fitLogistic`'s objective — by Newton's method with a backtracking (Armijo) line
 * search: the Hessian `XᵀDX + λI` is accumulated over each row's non-zero pairs and solved by
 * Cholesky, so a fit takes a handful of passes, and fewer still from a nearby solution.
 * Deterministic.
 */
export function solveWeightedLogistic(x: SparseRows, y: Float64Array, w: Float64Array, lambda: number, options: WeightedLogisticOptions = {}): WeightedLogisticSolution {
  const { tol = 1e-8 } = options;
  const solver = options.solver ?? (x.cols <= 1001 ? 'newton' : 'lbfgs');
  return solver === 'newton' ? newton(x, y, w, lambda, tol, options.maxIter ?? 100, options.init) : lbfgs(x, y, w, lambda, tol, options.maxIter ?? 1000, options.init);
}

function multiply(x: SparseRows, theta: Float64Array, out: Float64Array): Float64Array {
  const { rowStart, col, val, rows } = x;
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let q = rowStart[i]; q < rowStart[i + 1]; q++) z += val[q] * theta[col[q]];
    out[i] = z;
  }
  return out;
}

function penalty(theta: Float64Array, p: number): number {
  let s = 0;
  for (let j = 0; j < p; j++) s += theta[j] * theta[j];
  return s;
}

function newton(x: SparseRows, y: Float64Array, w: Float64Array, lambda: number, tol: number, maxIter: number, init: Float64Array | undefined): WeightedLogisticSolution {
  const { rowStart, col, val, rows: n, cols: P } = x;
  const p = P - 1;
  const theta = init && init.length === P ? Float64Array.from(init) : new Float64Array(P);
  const z = multiply(x, theta, new Float64Array(n));
  const xd = new Float64Array(n);
  const grad = new Float64Array(P);
  const H = new Float64Array(P * P);
  const d = new Float64Array(P);
  let loss = 0;
  for (let i = 0; i < n; i++) if (w[i] !== 0) loss += w[i] * rowLoss(z[i], y[i]);
  loss += 0.5 * lambda * penalty(theta, p);
  let iterations = 0;
  let converged = false;
  let gradMax = Infinity;
  for (;;) {
    grad.fill(0);
    H.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const s = sigmoid(z[i]);
      const r = wi * (s - y[i]);
      const h = wi * s * (1 - s);
      const e = rowStart[i + 1];
      for (let q = rowStart[i]; q < e; q++) {
        const a = col[q];
        const va = val[q];
        grad[a] += r * va;
        const hv = h * va;
        const o = a * P;
        // Columns ascend within a row, so this fills the upper triangle.
        for (let q2 = q; q2 < e; q2++) H[o + col[q2]] += hv * val[q2];
      }
    }
    gradMax = 0;
    for (let j = 0; j < P; j++) {
      if (j < p) {
        grad[j] += lambda * theta[j];
        H[j * P + j] += lambda;
      }
      gradMax = Math.max(gradMax, Math.abs(grad[j]));
    }
    if (gradMax < tol) {
      converged = true;
      break;
    }
    if (iterations >= maxIter) break;
    iterations++;
    for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++) H[b * P + a] = H[a * P + b];
    for (let j = 0; j < P; j++) d[j] = -grad[j];
    const step = choleskySolve(H, d, P).x;
    multiply(x, step, xd);
    let slope = 0;
    for (let j = 0; j < P; j++) slope += grad[j] * step[j];
    if (!(slope < 0)) break;
    // Backtracking from the full Newton step; rounding slack as in the approximate Wolfe conditions.
    const fTol = 1e-14 * Math.abs(loss) + 1e-300;
    let t = 1;
    let accepted = false;
    let fNew = 0;
    for (let ls = 0; ls < 40; ls++) {
      fNew = 0;
      for (let i = 0; i < n; i++) if (w[i] !== 0) fNew += w[i] * rowLoss(z[i] + t * xd[i], y[i]);
      let pen = 0;
      for (let j = 0; j < p; j++) {
        const v = theta[j] + t * step[j];
        pen += v * v;
      }
      fNew += 0.5 * lambda * pen;
      if (fNew <= loss + 1e-4 * t * slope + fTol) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    for (let j = 0; j < P; j++) theta[j] += t * step[j];
    for (let i = 0; i < n; i++) z[i] += t * xd[i];
    loss = fNew;
  }
  // z was updated incrementally: recompute it exactly for the decisions.
  multiply(x, theta, z);
  return { theta, z, iterations, converged, gradMax };
}

function lbfgs(x: SparseRows, y: Float64Array, w: Float64Array, lambda: number, tol: number, maxIter: number, init: Float64Array | undefined): WeightedLogisticSolution {
  const { rowStart, col, val, rows: n, cols: P } = x;
  const p = P - 1;
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const e = rowStart[i + 1];
      let z = 0;
      for (let q = rowStart[i]; q < e; q++) z += val[q] * theta[col[q]];
      loss += wi * rowLoss(z, y[i]);
      const r = wi * (sigmoid(z) - y[i]);
      for (let q = rowStart[i]; q < e; q++) grad[col[q]] += r * val[q];
    }
    for (let j = 0; j < p; j++) grad[j] += lambda * theta[j];
    return loss + 0.5 * lambda * penalty(theta, p);
  };
  const start = init && init.length === P ? init : new Float64Array(P);
  const result = minimizeLbfgs(objective, start, { maxIter, gradTol: tol });
  return { theta: result.x, z: multiply(x, result.x, new Float64Array(n)), iterations: result.iterations, converged: result.converged, gradMax: result.gradMax };
}

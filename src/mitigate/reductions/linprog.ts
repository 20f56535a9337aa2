/** The solution of {@link maximizeLp}. */
export interface LpSolution {
  /** The optimal point. */
  readonly x: Float64Array;
  /** Optimal dual values (shadow prices), one per constraint: the dual problem's solution. */
  readonly dual: Float64Array;
  /** cᵀx at the optimum. */
  readonly value: number;
}

/**
 * Maximises cᵀx subject to A x ≤ b and x ≥ 0, with b ≥ 0 (so the origin is feasible), by the
 * tableau simplex method with Bland's rule (smallest-index entering and leaving variables), which
 * cannot cycle on degenerate vertices. `a` is row-major m × n. Dense: meant for the small problems
 * of the reductions (a few dozen variables). Throws when the problem is unbounded.
 */
export function maximizeLp(c: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): LpSolution {
  const n = c.length;
  const m = b.length;
  if (a.length !== m * n) throw new Error(`expected a ${m} × ${n} constraint matrix, got ${a.length} entries`);
  for (let i = 0; i < m; i++) if (!(b[i] >= 0)) throw new Error(`maximizeLp needs b ≥ 0 (b[${i}] = ${b[i]})`);
  const width = n + m + 1;
  // Rows 0..m-1: [A | I | b]; row m: the objective row [−c | 0 | 0], which holds the reduced costs.
  const t = new Float64Array((m + 1) * width);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) t[i * width + j] = a[i * n + j];
    t[i * width + n + i] = 1;
    t[i * width + width - 1] = b[i];
  }
  for (let j = 0; j < n; j++) t[m * width + j] = -c[j];
  const basis = Int32Array.from({ length: m }, (_, i) => n + i);
  let scale = 1;
  for (let k = 0; k < t.length; k++) scale = Math.max(scale, Math.abs(t[k]));
  const tol = 1e-11 * scale;
  for (let iter = 0; iter < 50_000; iter++) {
    let enter = -1;
    for (let j = 0; j < n + m; j++) {
      if (t[m * width + j] < -tol) {
        enter = j;
        break;
      }
    }
    if (enter < 0) break;
    let leave = -1;
    let best = Infinity;
    for (let i = 0; i < m; i++) {
      const aij = t[i * width + enter];
      if (aij <= tol) continue;
      const ratio = t[i * width + width - 1] / aij;
      const slack = 1e-13 * Math.max(1, Math.abs(best));
      if (leave < 0 || ratio < best - slack || (ratio <= best + slack && basis[i] < basis[leave])) {
        best = ratio;
        leave = i;
      }
    }
    if (leave < 0) throw new Error('maximizeLp: the problem is unbounded');
    const pr = leave * width;
    const pv = t[pr + enter];
    for (let j = 0; j < width; j++) t[pr + j] /= pv;
    for (let i = 0; i <= m; i++) {
      if (i === leave) continue;
      const f = t[i * width + enter];
      if (f === 0) continue;
      const r = i * width;
      for (let j = 0; j < width; j++) t[r + j] -= f * t[pr + j];
      t[r + enter] = 0;
    }
    basis[leave] = enter;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < m; i++) if (basis[i] < n) x[basis[i]] = t[i * width + width - 1];
  const dual = new Float64Array(m);
  for (let i = 0; i < m; i++) dual[i] = Math.max(0, t[m * width + n + i]);
  let value = 0;
  for (let j = 0; j < n; j++) value += c[j] * x[j];
  return { x, dual, value };
}

/** The saddle point of the Lagrangian over a finite set of predictors (see {@link solveLagrangianLp}). */
export interface LagrangianLp {
  /** Weight of each predictor in the best randomized predictor: non-negative, summing to 1. */
  readonly Q: Float64Array;
  /** The best multipliers: non-negative, summing to at most B. */
  readonly lambda: Float64Array;
}

/**
 * The randomized predictor Q over `errors.length` predictors minimising
 * `Σ_h Q_h·error_h + B·max(0, max_j Σ_h Q_h·(γ_jh − bound_j))`, and the multipliers λ (‖λ‖₁ ≤ B)
 * maximising `min_h error_h + Σ_j λ_j (γ_jh − bound_j)` — the two sides of the linear program
 * Fairlearn's exponentiated gradient solves over the predictors found so far. Solved as the λ side,
 * `max μ s.t. μ − Σ_j λ_j g_jh ≤ error_h + 1, Σ_j λ_j ≤ B`, whose dual values are Q (and the
 * slack of the bound); the +1 keeps μ > 0, which makes Σ Q = 1 exactly and changes neither optimum.
 * `gammas[h]` holds predictor h's γ.
 */
export function solveLagrangianLp(errors: ArrayLike<number>, gammas: readonly ArrayLike<number>[], bound: ArrayLike<number>, B: number): LagrangianLp {
  const H = errors.length;
  const m = bound.length;
  const n = m + 1;
  const a = new Float64Array((H + 1) * n);
  const b = new Float64Array(H + 1);
  for (let h = 0; h < H; h++) {
    for (let j = 0; j < m; j++) a[h * n + j] = -(gammas[h][j] - bound[j]);
    a[h * n + m] = 1;
    b[h] = errors[h] + 1;
  }
  for (let j = 0; j < m; j++) a[H * n + j] = 1;
  b[H] = B;
  const c = new Float64Array(n);
  c[m] = 1;
  const sol = maximizeLp(c, a, b);
  const Q = sol.dual.slice(0, H);
  let s = 0;
  for (let h = 0; h < H; h++) s += Q[h];
  // Σ Q = 1 in exact arithmetic; divide out the rounding.
  for (let h = 0; h < H; h++) Q[h] /= s;
  return { Q, lambda: sol.x.slice(0, m) };
}

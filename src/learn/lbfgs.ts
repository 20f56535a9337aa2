/** An objective for {@link minimizeLbfgs}: writes the gradient at `x` into `grad` and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iteration limit. Defaults to 1000. */
  readonly maxIter?: number;
  /** Stop when the largest absolute gradient component is below this. Defaults to 1e-10. */
  readonly gradTol?: number;
  /** Number of correction pairs kept. Defaults to 10. */
  readonly memory?: number;
}

/** The result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  /** Largest absolute gradient component at `x`. */
  readonly gradMax: number;
  readonly iterations: number;
  readonly converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Minimiser of the cubic interpolating f and f' at a and b, clamped inside [a, b] (Nocedal & Wright eq. 3.59). */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const t = b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
    // Stay clear of the bracket ends so the interval shrinks.
    const margin = 0.1 * (hi - lo);
    if (Number.isFinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return (a + b) / 2;
}

/**
 * Minimises a smooth function with limited-memory BFGS (Nocedal & Wright, Numerical Optimization,
 * Alg. 7.4 two-loop recursion) and a line search satisfying the strong Wolfe conditions
 * (Alg. 3.5/3.6, c1 = 1e-4, c2 = 0.9). Deterministic.
 */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const { maxIter = 1000, gradTol = 1e-10, memory = 10 } = options;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let iter = 0;
  let converged = maxAbs(g) < gradTol;
  const c1 = 1e-4;
  const c2 = 0.9;

  while (!converged && iter < maxIter) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const m = S.length;
    for (let k = m - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      const yk = Y[k];
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * yk[i];
    }
    if (m > 0) {
      const gamma = dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < m; k++) {
      const beta = rho[k] * dot(Y[k], d);
      const sk = S[k];
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * sk[i];
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    const phi = (t: number): [number, number] => {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      const fv = f(xNew, gNew);
      return [fv, dot(gNew, d)];
    };
    // First step: 1 for quasi-Newton directions, a scaled step for the first steepest-descent one.
    let t = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-300)) : 1;
    let tPrev = 0;
    let fPrev = fx;
    let gPrev = dg;
    let accepted = false;
    let fAcc = 0;
    // Near the optimum f stops changing within rounding: allow that much slack in the sufficient-decrease
    // test (the approximate Wolfe conditions of Hager & Zhang, 2005) so the gradient can still be driven down.
    const fTol = 1e-14 * Math.abs(fx) + 1e-300;
    const armijoFails = (tj: number, fj: number): boolean => fj > fx + c1 * tj * dg + fTol;
    const zoom = (lo: number, flo: number, glo: number, hi: number, fhi: number, ghi: number): boolean => {
      for (let z = 0; z < 60; z++) {
        const tj = cubicMin(lo, flo, glo, hi, fhi, ghi);
        const [fj, gj] = phi(tj);
        if (armijoFails(tj, fj) || fj > flo + fTol) {
          hi = tj;
          fhi = fj;
          ghi = gj;
        } else {
          if (Math.abs(gj) <= -c2 * dg) {
            fAcc = fj;
            return true;
          }
          if (gj * (hi - lo) >= 0) {
            hi = lo;
            fhi = flo;
            ghi = glo;
          }
          lo = tj;
          flo = fj;
          glo = gj;
        }
        if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
      // Accept the best point found if it decreases f (sufficient decrease may be lost to rounding).
      if (lo > 0) {
        const [fl] = phi(lo);
        if (fl <= fx + fTol) {
          fAcc = fl;
          return true;
        }
      }
      return false;
    };
    for (let ls = 0; ls < 40; ls++) {
      const [ft, gt] = phi(t);
      if (!Number.isFinite(ft) || armijoFails(t, ft) || (ls > 0 && ft > fPrev + fTol)) {
        accepted = Number.isFinite(ft) ? zoom(tPrev, fPrev, gPrev, t, ft, gt) : false;
        if (!Number.isFinite(ft)) {
          t = (tPrev + t) / 2;
          continue;
        }
        break;
      }
      if (Math.abs(gt) <= -c2 * dg) {
        accepted = true;
        fAcc = ft;
        break;
      }
      if (gt >= 0) {
        accepted = zoom(t, ft, gt, tPrev, fPrev, gPrev);
        break;
      }
      tPrev = t;
      fPrev = ft;
      gPrev = gt;
      t *= 2;
    }
    iter++;
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    x.set(xNew);
    g.set(gNew);
    const fOld = fx;
    fx = fAcc;
    if (sy > 1e-300) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if (maxAbs(g) < gradTol) converged = true;
    else if (fOld - fx <= 1e-16 * Math.max(1, Math.abs(fx)) && maxAbs(s) < 1e-16) break;
  }
  return { x, f: fx, gradMax: maxAbs(g), iterations: iter, converged };
}

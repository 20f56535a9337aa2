import { userError } from '../errors/index.js';
import type { Coalitions } from './kernel-shap-coalitions.js';

/**
 * KernelSHAP's regression (Lundberg & Lee 2017, Theorem 2): the contributions φ minimising
 * Σ_c w_c (y_c − z_c·φ)² subject to Σ_j φ_j = delta, where y_c = v(S_c) − v(∅) and
 * delta = v(all) − v(∅). The constraint is eliminated by substituting φ_last = delta − Σ_{j<last} φ_j,
 * which leaves an unconstrained weighted least-squares problem in m − 1 unknowns, solved by
 * Householder QR of the weighted design (no normal equations, so no squared condition number).
 * One factorisation serves every output (`ys[k]`, `deltas[k]`); returns φ per output.
 * With every coalition enumerated and the Shapley kernel's weights this is exact: the Shapley values.
 * @throws a `budget_too_small` user error when the coalitions cannot separate the features
 */
export function solveKernelShap(coalitions: Coalitions, ys: readonly Float64Array[], deltas: readonly number[]): Float64Array[] {
  const { m, count: n, masks, weights } = coalitions;
  const K = ys.length;
  if (m === 0) return ys.map(() => new Float64Array(0));
  if (m === 1) return deltas.map((d) => Float64Array.of(d));
  const p = m - 1;
  const last = m - 1;
  if (n < p) throw rankError(m, n);
  // Column-major weighted design A (n × p) and targets B (n × K).
  const a = new Float64Array(n * p);
  const b = new Float64Array(n * K);
  for (let c = 0; c < n; c++) {
    const s = Math.sqrt(weights[c]);
    const row = c * m;
    const zl = masks[row + last];
    for (let j = 0; j < p; j++) a[j * n + c] = s * (masks[row + j] - zl);
    for (let k = 0; k < K; k++) b[k * n + c] = s * (ys[k][c] - zl * deltas[k]);
  }
  let scale = 0;
  for (let j = 0; j < p; j++) scale = Math.max(scale, norm(a, j * n, n));
  const diag = new Float64Array(p);
  const v = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const col = j * n;
    const alphaAbs = norm(a, col + j, n - j);
    if (!(alphaAbs > 1e-10 * scale)) throw rankError(m, n);
    const alpha = a[col + j] > 0 ? -alphaAbs : alphaAbs;
    // Householder vector v = x − alpha e1 over rows j..n−1.
    let vv = 0;
    for (let i = j; i < n; i++) {
      v[i] = a[col + i] - (i === j ? alpha : 0);
      vv += v[i] * v[i];
    }
    diag[j] = alpha;
    if (vv === 0) continue;
    const reflect = (x: Float64Array, off: number) => {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i] * x[off + i];
      const f = (2 * dot) / vv;
      for (let i = j; i < n; i++) x[off + i] -= f * v[i];
    };
    for (let t = j + 1; t < p; t++) reflect(a, t * n);
    for (let k = 0; k < K; k++) reflect(b, k * n);
  }
  return deltas.map((delta, k) => {
    const phi = new Float64Array(m);
    // Back substitution with R (diagonal in `diag`, above it in `a`).
    for (let j = p - 1; j >= 0; j--) {
      let s = b[k * n + j];
      for (let t = j + 1; t < p; t++) s -= a[t * n + j] * phi[t];
      phi[j] = s / diag[j];
    }
    let sum = 0;
    for (let j = 0; j < p; j++) sum += phi[j];
    phi[last] = delta - sum;
    return phi;
  });
}

function norm(x: Float64Array, off: number, len: number): number {
  // Scaled to avoid overflow in the squares.
  let big = 0;
  for (let i = 0; i < len; i++) big = Math.max(big, Math.abs(x[off + i]));
  if (big === 0) return 0;
  let s = 0;
  for (let i = 0; i < len; i++) {
    const t = x[off + i] / big;
    s += t * t;
  }
  return big * Math.sqrt(s);
}

function rankError(m: number, n: number) {
  return userError(
    'budget_too_small',
    `KernelSHAP cannot separate ${m} features with ${n} coalitions (a coalition and its complement tell one difference): raise the budget (--budget; the default is 2 × features + 2048)`,
    { features: m, coalitions: n },
  );
}

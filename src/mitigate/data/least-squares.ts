/**
 * Eigenvalues and eigenvectors of a symmetric p×p matrix (row-major) by the cyclic Jacobi method
 * (Golub & Van Loan, Matrix Computations, 4th ed., §8.5): rotations until the off-diagonal mass is
 * below round-off. Accurate to a few ulps of the largest eigenvalue; meant for small p.
 * @returns `values[i]` with eigenvector column i of `vectors` (row-major p×p)
 */
export function symmetricEigen(matrix: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  let scale = 0;
  for (let i = 0; i < p * p; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += a[i * p + j] * a[i * p + j];
    if (off <= 1e-32 * scale || off === 0) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        // The rotation that zeroes a[i][j] (Golub & Van Loan, Algorithm 8.5.1, sym.schur2).
        const tau = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i];
          const akj = a[k * p + j];
          a[k * p + i] = c * aki - s * akj;
          a[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k];
          const ajk = a[j * p + k];
          a[i * p + k] = c * aik - s * ajk;
          a[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i];
          const vkj = v[k * p + j];
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = a[i * p + i];
  return { values, vectors: v };
}

/**
 * The Moore–Penrose pseudo-inverse of a symmetric positive semi-definite matrix (a Gram matrix
 * XᵀX): eigenvalues below `1e-10 · λmax` count as zero. With it, β = (XᵀX)⁺Xᵀy is the
 * minimum-norm least-squares solution — what `numpy.linalg.lstsq` returns when X is rank deficient
 * (as centred one-hot indicators of every category are: they sum to zero).
 */
export function pseudoInverseGram(gram: Float64Array, p: number): Float64Array {
  const { values, vectors } = symmetricEigen(gram, p);
  let max = 0;
  for (const x of values) max = Math.max(max, x);
  const out = new Float64Array(p * p);
  for (let e = 0; e < p; e++) {
    if (!(values[e] > 1e-10 * max)) continue;
    const inv = 1 / values[e];
    for (let i = 0; i < p; i++) {
      const vi = vectors[i * p + e] * inv;
      for (let j = 0; j < p; j++) out[i * p + j] += vi * vectors[j * p + e];
    }
  }
  return out;
}

import { userError } from '../errors/index.js';

/**
 * The q-th percentile (q in 0..100) of `values`, NaN values left out; null when none remain.
 * Linear interpolation between closest ranks — Hyndman & Fan type 7, numpy's default
 * (`np.percentile(x, q)`), including numpy's interpolation formula so results match to the ulp.
 * @example percentile([1, 2, 3, 4], 50) // 2.5
 */
export function percentile(values: ArrayLike<number>, q: number): number | null {
  checkPercent(q);
  const sorted = sortedFinite(values);
  return sorted.length === 0 ? null : quantileSorted(sorted, q / 100);
}

/** Several percentiles of `values` with one sort (see {@link percentile}). */
export function percentiles(values: ArrayLike<number>, qs: readonly number[]): (number | null)[] {
  for (const q of qs) checkPercent(q);
  const sorted = sortedFinite(values);
  return qs.map((q) => (sorted.length === 0 ? null : quantileSorted(sorted, q / 100)));
}

/**
 * The p-quantile (p in 0..1) of already ascending-sorted, NaN-free values, type 7.
 * Follows numpy's `_lerp`: a + (b − a)·t, computed from the upper end when t ≥ ½.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.max(0, Math.min(n - 1, Math.floor(h)));
  const hi = Math.min(n - 1, lo + 1);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function checkPercent(q: number): void {
  if (!(q >= 0 && q <= 100)) throw userError('invalid_percentile', `invalid percentile: ${q} (expected 0..100)`, { q });
}

function sortedFinite(values: ArrayLike<number>): Float64Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) m++;
  const out = new Float64Array(m);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out.sort();
}

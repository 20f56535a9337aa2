/**
 * Sum of `values` with Neumaier's compensated summation (an improved Kahan–Babuška sum): the
 * error stays at a few ulps regardless of length, where a naive loop drifts with n. NaN propagates.
 * @example neumaierSum([1e100, 1, -1e100]) // 1
 */
export function neumaierSum(values: ArrayLike<number>): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const t = sum + x;
    // Neumaier (1974): compensate with whichever operand lost low-order bits.
    if (Math.abs(sum) >= Math.abs(x)) c += sum - t + x;
    else c += x - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * Weighted mean of `values` (compensated sums), skipping NaN values and NaN or negative weights.
 * Returns null when nothing is left (or the weights sum to 0).
 */
export function weightedMean(values: ArrayLike<number>, weights?: ArrayLike<number>): number | null {
  let s = 0;
  let sc = 0;
  let w = 0;
  let wc = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const wi = weights === undefined ? 1 : weights[i];
    if (Number.isNaN(v) || !(wi >= 0)) continue;
    const x = v * wi;
    let t = s + x;
    if (Math.abs(s) >= Math.abs(x)) sc += s - t + x;
    else sc += x - t + s;
    s = t;
    t = w + wi;
    if (w >= wi) wc += w - t + wi;
    else wc += wi - t + w;
    w = t;
  }
  const total = w + wc;
  return total > 0 ? (s + sc) / total : null;
}

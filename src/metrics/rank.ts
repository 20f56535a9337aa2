import { userError } from '../errors/index.js';
import { checkLength } from './validate.js';

/** float64 machine epsilon: scikit-learn ≥ 1.2's `log_loss(eps='auto')` for float64 input. */
export const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * Rows ranked by descending score — the one sort that every score metric, curve and grouping
 * shares. Arrays of length `size` are in ranked order; `rank` is in row order.
 */
export interface ScoreRanking {
  /** Rows in the input. */
  readonly rowCount: number;
  /** Rows ranked (the rest were excluded). */
  readonly size: number;
  /** Ranked position → row index, by descending score (ties in row order). */
  readonly order: Int32Array;
  /** Row index → ranked position, or -1 for an excluded row. */
  readonly rank: Int32Array;
  /** Scores in ranked order (descending). */
  readonly score: Float64Array;
  /** Labels (0/1) in ranked order. */
  readonly label: Uint8Array;
  /** Weights in ranked order, or null when unweighted. */
  readonly weight: Float64Array | null;
  /** Per-row log loss in ranked order (scikit-learn's clipping and renormalisation). */
  readonly loss: Float64Array;
  /** Rows left out, by first reason: label not 0/1, score NaN, weight NaN/negative/infinite. */
  readonly excluded: { readonly label: number; readonly score: number; readonly weight: number };
  /** The clipping epsilon used for `rowLoss`. */
  readonly eps: number;
}

/** Options for {@link rankByScore}. */
export interface RankOptions {
  /** Sample weight per row. */
  readonly weight?: Float64Array;
  /**
   * Log-loss clipping: p is clipped to [eps, 1 − eps]. Defaults to float64 epsilon (2.22e-16),
   * scikit-learn 1.2's `eps='auto'`; scikit-learn before 1.2 used 1e-15.
   */
  readonly eps?: number;
}

/**
 * Sorts the rows once by descending score, for {@link scoreMetricsByGroup} and the curves over
 * any number of groupings. Rows with a label other than 0/1 (255 = missing), a NaN score or an
 * invalid weight are excluded and counted.
 *
 * Algorithm: an LSD radix sort (11-bit digits, 3 passes, constant passes skipped) on the
 * order-preserving 32-bit key of each score rounded to float32, with the row index riding in the
 * same 64-bit word; runs of equal keys are then put in exact float64 order (insertion sort, or a
 * comparison sort for long runs). Row-order data is moved to ranked order by scattering through
 * `rank` (sequential reads, random writes), several times faster than gathering. About 0.7 s for
 * 10M rows, about half of `Float64Array.prototype.sort` without any permutation.
 * @example
 * const ranking = rankByScore(label, score);
 * scoreMetricsByGroup(ranking, raceCodes, nRaces);
 * scoreMetricsByGroup(ranking, sexCodes, 2);
 */
export function rankByScore(label: Uint8Array, score: Float64Array, options: RankOptions = {}): ScoreRanking {
  const { weight, eps = FLOAT64_EPS } = options;
  const rowCount = label.length;
  checkLength('score', score, rowCount);
  checkLength('weight', weight, rowCount);
  if (!(eps >= 0 && eps < 0.5)) throw userError('invalid_option', `invalid eps: ${eps} (expected 0 <= eps < 0.5)`, { eps });

  // 1. Keys (float32 bits made order-preserving, inverted for descending order) and histograms,
  // as (key, row) pairs in one buffer: the radix passes then move one float64 per row.
  const f32 = new Float32Array(rowCount);
  f32.set(score);
  const bits = new Uint32Array(f32.buffer);
  let pairs = new Uint32Array(2 * rowCount);
  const hist = new Uint32Array(2048 * 3);
  const excluded = { label: 0, score: 0, weight: 0 };
  const size = buildKeys(label, score, weight ?? null, bits, pairs, hist, excluded);

  // 2. LSD radix passes (stable), skipping passes where every key has the same digit.
  let spare = new Uint32Array(2 * size);
  const offsets = new Uint32Array(2048);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    let trivial = false;
    for (let b = 0; b < 2048; b++) {
      if (hist[base + b] === size) trivial = true;
    }
    if (trivial) continue;
    let acc = 0;
    for (let b = 0; b < 2048; b++) {
      offsets[b] = acc;
      acc += hist[base + b];
    }
    radixPass(new Float64Array(pairs.buffer, 0, size), pairs, new Float64Array(spare.buffer, 0, size), size, pass * 11, offsets);
    const t = pairs;
    pairs = spare;
    spare = t;
  }
  const order = new Int32Array(size);
  unpack(pairs, order, size);

  // 3. Rank (inverse permutation) and scores in ranked order, by scatter.
  const rank = new Int32Array(rowCount).fill(-1);
  invert(order, rank, size);
  const sorted = new Float64Array(size);
  scatterF64(score, rank, sorted, rowCount);

  // 4. Exact order inside runs of equal float32 keys.
  fixEqualKeyRuns(pairs, order, rank, sorted, score, size);

  // 5. Labels, weights and per-row log loss.
  const labelSorted = new Uint8Array(size);
  scatterU8(label, rank, labelSorted, rowCount);
  let weightSorted: Float64Array | null = null;
  if (weight) {
    weightSorted = new Float64Array(size);
    scatterF64(weight, rank, weightSorted, rowCount);
  }
  const loss = new Float64Array(size);
  computeLoss(labelSorted, sorted, loss, eps);
  return {
    rowCount,
    size,
    order,
    rank,
    score: sorted,
    label: labelSorted,
    weight: weightSorted,
    loss,
    excluded,
    eps,
  };
}

function buildKeys(label: Uint8Array, score: Float64Array, weight: Float64Array | null, bits: Uint32Array, pairs: Uint32Array, hist: Uint32Array, excluded: { label: number; score: number; weight: number }): number {
  const n = label.length;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (label[i] > 1) {
      excluded.label++;
      continue;
    }
    const s = score[i];
    if (s !== s) {
      excluded.score++;
      continue;
    }
    if (weight !== null) {
      const w = weight[i];
      if (!(w >= 0 && w < Infinity)) {
        excluded.weight++;
        continue;
      }
    }
    const b = bits[i];
    // Ascending order-preserving key: flip all bits of negatives, set the sign bit of positives;
    // then invert for descending order. (-0 and +0 get adjacent keys; the exact pass treats them as equal.)
    const k = b & 0x80000000 ? b : ~(b | 0x80000000) >>> 0;
    // Key in the low word, row in the high word: a row index < 2^31 never makes the float64 a NaN,
    // so moving pairs as float64 values preserves their bits.
    pairs[2 * m] = k;
    pairs[2 * m + 1] = i;
    m++;
    hist[k & 2047]++;
    hist[2048 + ((k >>> 11) & 2047)]++;
    hist[4096 + (k >>> 22)]++;
  }
  return m;
}

function radixPass(from: Float64Array, fromBits: Uint32Array, to: Float64Array, m: number, shift: number, offsets: Uint32Array): void {
  for (let i = 0; i < m; i++) {
    const k = fromBits[2 * i];
    to[offsets[(k >>> shift) & 2047]++] = from[i];
  }
}

function unpack(pairs: Uint32Array, order: Int32Array, m: number): void {
  for (let j = 0; j < m; j++) order[j] = pairs[2 * j + 1];
}

function invert(order: Int32Array, rank: Int32Array, m: number): void {
  for (let j = 0; j < m; j++) rank[order[j]] = j;
}

function scatterF64(src: Float64Array, rank: Int32Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const r = rank[i];
    if (r >= 0) out[r] = src[i];
  }
}

function scatterU8(src: Uint8Array, rank: Int32Array, out: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const r = rank[i];
    if (r >= 0) out[r] = src[i];
  }
}

function fixEqualKeyRuns(pairs: Uint32Array, order: Int32Array, rank: Int32Array, sorted: Float64Array, score: Float64Array, m: number): void {
  // Only runs of equal float32 keys (pairs[2j]) can be out of order; find them by a rise in the doubles.
  for (let j = 1; j < m; j++) {
    if (sorted[j] > sorted[j - 1]) {
      const k = pairs[2 * j];
      let start = j - 1;
      while (start > 0 && pairs[2 * (start - 1)] === k) start--;
      let end = j + 1;
      while (end < m && pairs[2 * end] === k) end++;
      sortRun(order, rank, sorted, score, start, end);
      j = end;
    }
  }
}

function sortRun(order: Int32Array, rank: Int32Array, sorted: Float64Array, score: Float64Array, start: number, end: number): void {
  if (end - start <= 32) {
    // Stable insertion sort, descending.
    for (let j = start + 1; j < end; j++) {
      const v = sorted[j];
      const o = order[j];
      let i = j - 1;
      while (i >= start && sorted[i] < v) {
        sorted[i + 1] = sorted[i];
        order[i + 1] = order[i];
        i--;
      }
      sorted[i + 1] = v;
      order[i + 1] = o;
    }
  } else {
    const run = order.subarray(start, end);
    // Stable (ECMAScript 2019+) comparison sort; ties keep row order.
    run.sort((a, b) => score[b] - score[a] || a - b);
    for (let j = start; j < end; j++) sorted[j] = score[order[j]];
  }
  for (let j = start; j < end; j++) rank[order[j]] = j;
}

function computeLoss(label: Uint8Array, score: Float64Array, out: Float64Array, eps: number): void {
  const hi = 1 - eps;
  for (let j = 0; j < out.length; j++) {
    let p = score[j];
    p = p < eps ? eps : p > hi ? hi : p;
    const q = 1 - p;
    // scikit-learn renormalises the two-column [1 − p, p] rows by their sum.
    const s = q + p;
    const x = label[j] === 1 ? p : q;
    out[j] = -Math.log(s === 1 ? x : x / s);
  }
}

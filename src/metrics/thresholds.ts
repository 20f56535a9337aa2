import { userError } from '../errors/index.js';
import { type BinaryMetricId, binaryMetric, type BinaryMetricOptions } from './binary.js';
import { type ConfusionCounts, emptyConfusionCounts } from './confusion.js';
import { checkGroups, checkLength, checkZeroDivision, groupOutOfRange } from './validate.js';

/** Confusion counts per group at each threshold (prediction = score ≥ threshold). */
export interface ThresholdCounts {
  /** Ascending thresholds. */
  readonly thresholds: number[];
  /** counts[k] holds every group's confusion counts at thresholds[k]. */
  readonly counts: ConfusionCounts[];
}

/** Options for {@link confusionByThreshold}. */
export interface ThresholdOptions {
  /** Ascending thresholds; defaults to 101 points 0, 0.01, …, 1 (k/100). */
  readonly thresholds?: readonly number[];
  readonly weight?: Float64Array;
}

/** The default threshold grid: k/100 for k = 0..100. */
export function defaultThresholds(): number[] {
  return Array.from({ length: 101 }, (_, k) => k / 100);
}

/**
 * Confusion counts per group at every threshold in one pass (no sort): each row is binned by the
 * number of thresholds its score reaches (interpolation search), then cumulative sums from the top give
 * tp and fp at each threshold. Rows with a missing label (not 0/1) or NaN score are counted in
 * `missing`. Cost O(rows · log(thresholds) + groups · thresholds).
 * @example
 * const tc = confusionByThreshold(groups, 2, label, score);
 * binaryMetrics(tc.counts[50]).false_positive_rate // FPR per group at threshold 0.5
 */
export function confusionByThreshold(groups: Int32Array, nGroups: number, label: Uint8Array, score: Float64Array, options: ThresholdOptions = {}): ThresholdCounts {
  const thresholds = options.thresholds ? [...options.thresholds] : defaultThresholds();
  for (let k = 0; k < thresholds.length; k++) {
    if (Number.isNaN(thresholds[k]) || (k > 0 && thresholds[k] <= thresholds[k - 1])) {
      throw userError('invalid_thresholds', `invalid thresholds: ${thresholds[k]} at position ${k} (expected strictly ascending numbers)`, { index: k });
    }
  }
  checkGroups(groups, nGroups);
  const rows = groups.length;
  checkLength('label', label, rows);
  checkLength('score', score, rows);
  const weight = options.weight;
  checkLength('weight', weight, rows);
  const T = thresholds.length;
  const t = Float64Array.from(thresholds);
  // hist[(g·(T+1) + b)·2 + y]: weight of rows in group g reaching exactly b thresholds, by label.
  const hist = new Float64Array(nGroups * (T + 1) * 2);
  const n = new Float64Array(nGroups);
  const missing = new Float64Array(nGroups);
  const bad = binRows(groups, nGroups, label, score, weight ?? null, t, hist, n, missing);
  if (bad >= 0) throw groupOutOfRange(groups[bad], nGroups);

  const counts: ConfusionCounts[] = [];
  for (let k = 0; k < T; k++) counts.push({ ...emptyConfusionCounts(nGroups, weight !== undefined), n, missing });
  for (let g = 0; g < nGroups; g++) {
    let P = 0;
    let N = 0;
    for (let b = 0; b <= T; b++) {
      N += hist[(g * (T + 1) + b) * 2];
      P += hist[(g * (T + 1) + b) * 2 + 1];
    }
    // Rows reaching more than k thresholds are predicted positive at thresholds[k].
    let tp = 0;
    let fp = 0;
    for (let k = T - 1; k >= 0; k--) {
      fp += hist[(g * (T + 1) + k + 1) * 2];
      tp += hist[(g * (T + 1) + k + 1) * 2 + 1];
      const c = counts[k];
      c.tp[g] = tp;
      c.fp[g] = fp;
      c.fn[g] = P - tp;
      c.tn[g] = N - fp;
    }
  }
  return { thresholds, counts };
}

function guess(s: number, t0: number, scale: number, T: number): number {
  const x = Math.floor((s - t0) * scale) + 1;
  return x >= 0 ? (x <= T ? x : T) : 0;
}

function binRows(groups: Int32Array, nGroups: number, label: Uint8Array, score: Float64Array, weight: Float64Array | null, t: Float64Array, hist: Float64Array, n: Float64Array, missing: Float64Array): number {
  const T = t.length;
  const t0 = T > 0 ? t[0] : 0;
  const scale = T > 1 ? (T - 1) / (t[T - 1] - t[0]) : 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) return i;
    const y = label[i];
    const s = score[i];
    const w = weight === null ? 1 : weight[i];
    if (y > 1 || s !== s || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    // Number of thresholds ≤ s: a guess by linear interpolation (exact for an even grid after a
    // step or two), corrected by comparisons; binary search when the guess is far off.
    let lo = guess(s, t0, scale, T);
    let steps = 0;
    while (lo > 0 && t[lo - 1] > s && steps < 4) {
      lo--;
      steps++;
    }
    while (lo < T && t[lo] <= s && steps < 4) {
      lo++;
      steps++;
    }
    if (steps === 4) {
      lo = 0;
      let hi = T;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t[mid] <= s) lo = mid + 1;
        else hi = mid;
      }
    }
    hist[(g * (T + 1) + lo) * 2 + y] += w;
    n[g]++;
  }
  return -1;
}

/** Options for {@link metricsByThreshold}. */
export interface MetricsByThresholdOptions extends BinaryMetricOptions {
  /** Metrics to compute; defaults to selection_rate, true_positive_rate, false_positive_rate, precision, accuracy. */
  readonly metrics?: readonly BinaryMetricId[];
}

/**
 * Metric values across thresholds: `values[metric][group][k]` at `thresholds[k]`, null where
 * undefined. For threshold plots and group-threshold post-processing.
 */
export function metricsByThreshold(tc: ThresholdCounts, options: MetricsByThresholdOptions = {}): { thresholds: number[]; values: Partial<Record<BinaryMetricId, (number | null)[][]>> } {
  const { metrics = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision', 'accuracy'] } = options;
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const values: Partial<Record<BinaryMetricId, (number | null)[][]>> = {};
  const nGroups = tc.counts.length > 0 ? tc.counts[0].nGroups : 0;
  for (const id of metrics) {
    const perGroup: (number | null)[][] = [];
    for (let g = 0; g < nGroups; g++) {
      perGroup.push(tc.counts.map((c) => binaryMetric(id, c.tp[g], c.fp[g], c.tn[g], c.fn[g], c.n[g], zeroDivision).value));
    }
    values[id] = perGroup;
  }
  return { thresholds: tc.thresholds, values };
}

import type { MetricValue, ZeroDivision } from './metric-value.js';
import { checkGroups, checkLength, checkZeroDivision, groupOutOfRange } from './validate.js';
import { FLOAT64_EPS } from './rank.js';

/** Regression metric ids. */
export const REGRESSION_METRIC_IDS = ['count', 'mae', 'mse', 'rmse', 'r2', 'mean_prediction', 'mean_label', 'max_error', 'mape'] as const;

/** A regression metric id. */
export type RegressionMetricId = (typeof REGRESSION_METRIC_IDS)[number];

/** Per-group sufficient statistics for the regression metrics (one pass, stable). */
export interface RegressionStats {
  readonly nGroups: number;
  /** Rows used per group (unweighted). */
  readonly n: Float64Array;
  /** Total weight (= n without weights). */
  readonly weight: Float64Array;
  /** Weighted mean of the label (West's weighted Welford update). */
  readonly meanLabel: Float64Array;
  /** Weighted mean of the prediction. */
  readonly meanPrediction: Float64Array;
  /** Σ w (y − ȳ)² (Welford's M2): the total sum of squares of R². */
  readonly ssTotal: Float64Array;
  /** Σ w |y − ŷ| (compensated). */
  readonly sumAbsError: Float64Array;
  /** Σ w (y − ŷ)² (compensated). */
  readonly sumSqError: Float64Array;
  /** Σ w |y − ŷ| / max(|y|, ε) (compensated). */
  readonly sumAbsPctError: Float64Array;
  /** max |y − ŷ| over rows with positive weight. */
  readonly maxError: Float64Array;
  /** Rows of the group left out: NaN label or prediction, invalid weight. */
  readonly missing: Float64Array;
}

/**
 * Regression statistics per group in one pass over the typed arrays: means and the total sum of
 * squares by weighted Welford updates (West, 1979) on values shifted by the group's first row,
 * error sums with Neumaier compensation.
 * Rows with a NaN label or prediction, or a NaN/negative weight, are left out and counted.
 */
export function regressionByGroup(groups: Int32Array, nGroups: number, label: Float64Array, pred: Float64Array, weight?: Float64Array): RegressionStats {
  checkGroups(groups, nGroups);
  const rows = groups.length;
  checkLength('label', label, rows);
  checkLength('pred', pred, rows);
  checkLength('weight', weight, rows);
  const f = () => new Float64Array(nGroups);
  const stats: RegressionStats = {
    nGroups,
    n: f(),
    weight: f(),
    meanLabel: f(),
    meanPrediction: f(),
    ssTotal: f(),
    sumAbsError: f(),
    sumSqError: f(),
    sumAbsPctError: f(),
    maxError: f(),
    missing: f(),
  };
  const comp = new Float64Array(nGroups * 3);
  // Shifted data (each group's first label and prediction) keep the running means small, so the
  // Welford updates stay exact-ish even for large offsets (labels around 1e9 varying by 1).
  const shift = new Float64Array(nGroups * 2).fill(NaN);
  const bad = accumulate(groups, nGroups, label, pred, weight ?? null, stats.n, stats.weight, stats.meanLabel, stats.meanPrediction, stats.ssTotal, stats.sumAbsError, stats.sumSqError, stats.sumAbsPctError, stats.maxError, stats.missing, comp, shift);
  if (bad >= 0) throw groupOutOfRange(groups[bad], nGroups);
  for (let g = 0; g < nGroups; g++) {
    if (stats.weight[g] > 0) {
      stats.meanLabel[g] += shift[2 * g];
      stats.meanPrediction[g] += shift[2 * g + 1];
    }
    stats.sumAbsError[g] += comp[3 * g];
    stats.sumSqError[g] += comp[3 * g + 1];
    stats.sumAbsPctError[g] += comp[3 * g + 2];
  }
  return stats;
}

function accumulate(
  groups: Int32Array,
  nGroups: number,
  label: Float64Array,
  pred: Float64Array,
  weight: Float64Array | null,
  n: Float64Array,
  wsum: Float64Array,
  meanY: Float64Array,
  meanP: Float64Array,
  m2: Float64Array,
  sae: Float64Array,
  sse: Float64Array,
  sape: Float64Array,
  maxErr: Float64Array,
  missing: Float64Array,
  comp: Float64Array,
  shift: Float64Array,
): number {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) return i;
    const y = label[i];
    const p = pred[i];
    const w = weight === null ? 1 : weight[i];
    if (y !== y || p !== p || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    n[g]++;
    if (w === 0) continue;
    const W = wsum[g] + w;
    wsum[g] = W;
    if (shift[2 * g] !== shift[2 * g]) {
      shift[2 * g] = y;
      shift[2 * g + 1] = p;
    }
    // West (1979): weighted incremental mean and sum of squared deviations, on shifted values.
    const dy = y - shift[2 * g] - meanY[g];
    const ry = (dy * w) / W;
    meanY[g] += ry;
    m2[g] += (W - w) * dy * ry;
    meanP[g] += ((p - shift[2 * g + 1] - meanP[g]) * w) / W;
    const e = y - p;
    const ae = Math.abs(e);
    if (ae > maxErr[g]) maxErr[g] = ae;
    neumaier(sae, comp, g, 3 * g, w * ae);
    neumaier(sse, comp, g, 3 * g + 1, w * e * e);
    const ay = Math.abs(y);
    neumaier(sape, comp, g, 3 * g + 2, (w * ae) / (ay > FLOAT64_EPS ? ay : FLOAT64_EPS));
  }
  return -1;
}

function neumaier(sum: Float64Array, comp: Float64Array, g: number, k: number, x: number): void {
  const s = sum[g];
  const t = s + x;
  if (Math.abs(s) >= Math.abs(x)) comp[k] += s - t + x;
  else comp[k] += x - t + s;
  sum[g] = t;
}

/** Per-metric values, each an array indexed by group code. */
export type RegressionMetrics = Record<RegressionMetricId, MetricValue[]>;

/** Options for {@link regressionMetrics}. */
export interface RegressionMetricOptions {
  /**
   * R² when the labels are constant (total sum of squares 0): `'null'` (default) gives null with a
   * reason; `0` follows scikit-learn's `r2_score(force_finite=True)`: 1 for perfect predictions, else 0.
   */
  readonly zeroDivision?: ZeroDivision;
}

/**
 * Regression metrics per group, as scikit-learn: mae (`mean_absolute_error`), mse, rmse = √mse,
 * r2 (`r2_score`; null with fewer than two rows, as scikit-learn's NaN), mean_prediction,
 * mean_label, max_error (unweighted max |y − ŷ| over rows with positive weight), mape
 * (`mean_absolute_percentage_error`: |y − ŷ| / max(|y|, ε), ε = float64 epsilon; a fraction, not ×100).
 */
export function regressionMetrics(stats: RegressionStats, options: RegressionMetricOptions = {}): RegressionMetrics {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const out = {} as Record<RegressionMetricId, MetricValue[]>;
  for (const id of REGRESSION_METRIC_IDS) out[id] = [];
  for (let g = 0; g < stats.nGroups; g++) {
    const W = stats.weight[g];
    out.count.push({ value: stats.n[g] });
    if (!(W > 0)) {
      const reason = stats.n[g] > 0 ? 'weights sum to 0' : 'empty group (no rows)';
      for (const id of REGRESSION_METRIC_IDS) if (id !== 'count') out[id].push({ value: null, reason });
      continue;
    }
    const mse = stats.sumSqError[g] / W;
    out.mae.push({ value: stats.sumAbsError[g] / W });
    out.mse.push({ value: mse });
    out.rmse.push({ value: Math.sqrt(mse) });
    out.mean_prediction.push({ value: stats.meanPrediction[g] });
    out.mean_label.push({ value: stats.meanLabel[g] });
    out.max_error.push({ value: stats.maxError[g] });
    out.mape.push({ value: stats.sumAbsPctError[g] / W });
    const ss = stats.ssTotal[g];
    if (stats.n[g] < 2) out.r2.push({ value: null, reason: 'fewer than two rows' });
    else if (ss > 0) out.r2.push({ value: 1 - stats.sumSqError[g] / ss });
    else if (zeroDivision === 0) out.r2.push({ value: stats.sumSqError[g] === 0 ? 1 : 0 });
    else out.r2.push({ value: null, reason: 'constant labels (total sum of squares = 0)' });
  }
  return out;
}

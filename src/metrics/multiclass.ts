import { userError } from '../errors/index.js';
import { type ConfusionCounts, emptyConfusionCounts } from './confusion.js';
import type { MetricValue, ZeroDivision } from './metric-value.js';
import { checkGroups, checkLength, checkZeroDivision, groupOutOfRange } from './validate.js';

/** Per-group K×K confusion matrices of a multiclass task. */
export interface MulticlassCounts {
  readonly nGroups: number;
  readonly nClasses: number;
  /** matrix[(g·K + true)·K + predicted]: weighted counts. */
  readonly matrix: Float64Array;
  /** Rows used per group (unweighted). */
  readonly n: Float64Array;
  /**
   * Rows per group and class appearing as label or prediction (unweighted): which classes are
   * "present" for scikit-learn's averages (`unique_labels(y_true, y_pred)`).
   */
  readonly present: Float64Array;
  /** Rows of the group left out: label or prediction missing (negative code), invalid weight. */
  readonly missing: Float64Array;
}

/**
 * Multiclass confusion matrices per group in one pass. `label` and `pred` are class codes
 * 0..nClasses-1 (negative = missing: the row is left out and counted).
 */
export function multiclassConfusionByGroup(groups: Int32Array, nGroups: number, label: Int32Array, pred: Int32Array, nClasses: number, weight?: Float64Array): MulticlassCounts {
  checkGroups(groups, nGroups);
  if (!(Number.isInteger(nClasses) && nClasses >= 1)) throw new RangeError(`invalid nClasses: ${nClasses} (expected a positive integer)`);
  const rows = groups.length;
  checkLength('label', label, rows);
  checkLength('pred', pred, rows);
  checkLength('weight', weight, rows);
  const K = nClasses;
  const matrix = new Float64Array(nGroups * K * K);
  const n = new Float64Array(nGroups);
  const present = new Float64Array(nGroups * K);
  const missing = new Float64Array(nGroups);
  for (let i = 0; i < rows; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) throw groupOutOfRange(g, nGroups);
    const y = label[i];
    const p = pred[i];
    const w = weight === undefined ? 1 : weight[i];
    if (y < 0 || p < 0 || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    if (y >= K || p >= K) throw new RangeError(`class code ${Math.max(y, p)} out of range (nClasses = ${K})`);
    matrix[(g * K + y) * K + p] += w;
    n[g]++;
    present[g * K + y]++;
    if (p !== y) present[g * K + p]++;
  }
  return { nGroups, nClasses: K, matrix, n, present, missing };
}

/**
 * One-vs-rest confusion counts of class k for every group (tp: k predicted as k; fp: other
 * classes predicted as k; fn: k predicted as another class; tn: the rest), for `binaryMetrics`.
 */
export function oneVsRest(counts: MulticlassCounts, k: number): ConfusionCounts {
  const K = counts.nClasses;
  if (!(Number.isInteger(k) && k >= 0 && k < K)) throw new RangeError(`class ${k} out of range (nClasses = ${K})`);
  const out = emptyConfusionCounts(counts.nGroups, true);
  for (let g = 0; g < counts.nGroups; g++) {
    let total = 0;
    let row = 0;
    let col = 0;
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        const v = counts.matrix[(g * K + a) * K + b];
        total += v;
        if (a === k) row += v;
        if (b === k) col += v;
      }
    }
    const tp = counts.matrix[(g * K + k) * K + k];
    out.tp[g] = tp;
    out.fn[g] = row - tp;
    out.fp[g] = col - tp;
    out.tn[g] = total - row - col + tp;
    out.n[g] = counts.n[g];
    out.missing[g] = counts.missing[g];
  }
  return out;
}

/** Multiclass metric ids. */
export const MULTICLASS_METRIC_IDS = [
  'count',
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_micro',
  'recall_micro',
  'f1_micro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
] as const;

/** A multiclass metric id. */
export type MulticlassMetricId = (typeof MULTICLASS_METRIC_IDS)[number];

/** Per-metric values, each an array indexed by group code. */
export type MulticlassMetrics = Record<MulticlassMetricId, MetricValue[]>;

/** Options for {@link multiclassMetrics}. */
export interface MulticlassMetricOptions {
  /**
   * A class's precision / recall / F1 with a zero denominator: `'null'` (default) leaves the class
   * out of the macro and weighted averages (noted in `reason`); `0` counts it as 0, as
   * scikit-learn's `zero_division=0`.
   */
  readonly zeroDivision?: ZeroDivision;
}

/**
 * Multiclass metrics per group, as scikit-learn's `accuracy_score`, `balanced_accuracy_score`
 * and `precision/recall/f1_score(average=…)`. Averages run over the classes present in the group
 * (as label or prediction), like scikit-learn without `labels=`; micro averages equal accuracy
 * for single-label data; weighted averages weight each class by its (weighted) support.
 * Balanced accuracy is the mean recall over classes present as labels.
 */
export function multiclassMetrics(counts: MulticlassCounts, options: MulticlassMetricOptions = {}): MulticlassMetrics {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const out = {} as Record<MulticlassMetricId, MetricValue[]>;
  for (const id of MULTICLASS_METRIC_IDS) out[id] = [];
  const K = counts.nClasses;
  for (let g = 0; g < counts.nGroups; g++) {
    out.count.push({ value: counts.n[g] });
    const support = new Float64Array(K);
    const predicted = new Float64Array(K);
    let total = 0;
    let correct = 0;
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        const v = counts.matrix[(g * K + a) * K + b];
        support[a] += v;
        predicted[b] += v;
        total += v;
        if (a === b) correct += v;
      }
    }
    if (!(total > 0)) {
      const reason = counts.n[g] > 0 ? 'weights sum to 0' : 'empty group (no rows)';
      for (const id of MULTICLASS_METRIC_IDS) if (id !== 'count') out[id].push({ value: null, reason });
      continue;
    }
    const accuracy = correct / total;
    out.accuracy.push({ value: accuracy });
    out.precision_micro.push({ value: accuracy });
    out.recall_micro.push({ value: accuracy });
    out.f1_micro.push({ value: accuracy });

    const precision: (number | null)[] = [];
    const recall: (number | null)[] = [];
    const f1: (number | null)[] = [];
    const classes: number[] = [];
    for (let k = 0; k < K; k++) {
      if (counts.present[g * K + k] === 0) continue;
      classes.push(k);
      const tp = counts.matrix[(g * K + k) * K + k];
      const fp = predicted[k] - tp;
      const fn = support[k] - tp;
      precision.push(div(tp, tp + fp, zeroDivision));
      recall.push(div(tp, tp + fn, zeroDivision));
      f1.push(div(2 * tp, 2 * tp + fp + fn, zeroDivision));
    }
    const supportOf = classes.map((k) => support[k]);
    out.precision_macro.push(average(precision, null, classes));
    out.recall_macro.push(average(recall, null, classes));
    out.f1_macro.push(average(f1, null, classes));
    out.precision_weighted.push(average(precision, supportOf, classes));
    out.recall_weighted.push(average(recall, supportOf, classes));
    out.f1_weighted.push(average(f1, supportOf, classes));
    // balanced_accuracy_score: mean recall over the classes present in y_true.
    let sum = 0;
    let m = 0;
    for (let k = 0; k < K; k++) {
      if (support[k] > 0) {
        sum += counts.matrix[(g * K + k) * K + k] / support[k];
        m++;
      }
    }
    out.balanced_accuracy.push(m > 0 ? { value: sum / m } : { value: null, reason: 'no labelled rows' });
  }
  return out;
}

function div(num: number, den: number, zeroDivision: ZeroDivision): number | null {
  return den > 0 ? num / den : zeroDivision === 0 ? 0 : null;
}

function average(values: (number | null)[], weights: number[] | null, classes: number[]): MetricValue {
  let sum = 0;
  let wsum = 0;
  const left: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const w = weights === null ? 1 : weights[i];
    if (v === null) {
      left.push(classes[i]);
      continue;
    }
    sum += w * v;
    wsum += w;
  }
  if (!(wsum > 0)) return { value: null, reason: left.length > 0 ? `undefined for every class present (classes ${left.join(', ')})` : 'no support' };
  const value = sum / wsum;
  return left.length > 0 ? { value, reason: `classes left out (zero denominator): ${left.join(', ')}` } : { value };
}

/** Multiclass log loss per group. */
export interface MulticlassLogLoss {
  readonly log_loss: MetricValue[];
  /** Rows used per group (unweighted). */
  readonly n: Float64Array;
  /** Rows of the group left out: missing label, NaN probability or invalid weight. */
  readonly missing: Float64Array;
}

/** Options for {@link multiclassLogLossByGroup}. */
export interface MulticlassLogLossOptions {
  readonly weight?: Float64Array;
  /** Clipping epsilon; defaults to float64 epsilon (scikit-learn ≥ 1.2). */
  readonly eps?: number;
}

/**
 * Multiclass log loss per group, as scikit-learn 1.2's `log_loss(y, P, labels=range(K))`: each
 * class probability clipped to [eps, 1 − eps], each row renormalised to sum to 1, −log of the
 * true class's probability, (weighted) mean. `probabilities[k]` is the score column of class k.
 * Rows with a missing label or any NaN probability are left out.
 */
export function multiclassLogLossByGroup(groups: Int32Array, nGroups: number, label: Int32Array, probabilities: readonly Float64Array[], options: MulticlassLogLossOptions = {}): MulticlassLogLoss {
  const { weight, eps = 2.220446049250313e-16 } = options;
  if (!(eps >= 0 && eps < 0.5)) throw userError('invalid_option', `invalid eps: ${eps} (expected 0 <= eps < 0.5)`, { eps });
  checkGroups(groups, nGroups);
  const rows = groups.length;
  const K = probabilities.length;
  if (K < 2) throw new RangeError(`multiclass log loss needs at least 2 probability columns, got ${K}`);
  checkLength('label', label, rows);
  for (let k = 0; k < K; k++) checkLength(`probabilities[${k}]`, probabilities[k], rows);
  checkLength('weight', weight, rows);
  const sum = new Float64Array(nGroups);
  const comp = new Float64Array(nGroups);
  const wsum = new Float64Array(nGroups);
  const n = new Float64Array(nGroups);
  const missing = new Float64Array(nGroups);
  const hi = 1 - eps;
  for (let i = 0; i < rows; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) throw groupOutOfRange(g, nGroups);
    const y = label[i];
    const w = weight === undefined ? 1 : weight[i];
    if (y < 0 || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    if (y >= K) throw new RangeError(`class code ${y} out of range (${K} probability columns)`);
    let rowSum = 0;
    let py = 0;
    let bad = false;
    for (let k = 0; k < K; k++) {
      let p = probabilities[k][i];
      if (p !== p) {
        bad = true;
        break;
      }
      p = p < eps ? eps : p > hi ? hi : p;
      rowSum += p;
      if (k === y) py = p;
    }
    if (bad) {
      missing[g]++;
      continue;
    }
    const x = -Math.log(py / rowSum) * w;
    const s = sum[g];
    const t = s + x;
    if (Math.abs(s) >= Math.abs(x)) comp[g] += s - t + x;
    else comp[g] += x - t + s;
    sum[g] = t;
    wsum[g] += w;
    n[g]++;
  }
  const log_loss: MetricValue[] = [];
  for (let g = 0; g < nGroups; g++) {
    log_loss.push(wsum[g] > 0 ? { value: (sum[g] + comp[g]) / wsum[g] } : { value: null, reason: n[g] > 0 ? 'weights sum to 0' : 'empty group (no rows)' });
  }
  return { log_loss, n, missing };
}

import type { ConfusionCounts } from './confusion.js';
import type { MetricValue, ZeroDivision } from './metric-value.js';
import { checkZeroDivision } from './validate.js';

/** Binary-classification metric ids (Fairlearn / scikit-learn names). */
export const BINARY_METRIC_IDS = [
  'count',
  'tp',
  'fp',
  'tn',
  'fn',
  'selection_rate',
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'true_positive_rate',
  'false_positive_rate',
  'false_negative_rate',
  'true_negative_rate',
  'negative_predictive_value',
  'false_discovery_rate',
  'false_omission_rate',
  'f1',
  'base_rate',
] as const;

/** A binary-classification metric id. */
export type BinaryMetricId = (typeof BINARY_METRIC_IDS)[number];

/** Per-metric values, each an array indexed by group code. */
export type BinaryMetrics = Record<BinaryMetricId, MetricValue[]>;

/** Options for {@link binaryMetrics}. */
export interface BinaryMetricOptions {
  /**
   * What a rate with a zero denominator becomes; defaults to `'null'` (null with a reason). Use `0`
   * to reproduce scikit-learn / Fairlearn (`zero_division=0`) for the metrics they define;
   * negative predictive value, false discovery rate and false omission rate, which they do not
   * define, stay null. Either way an empty group (or one
   * whose weights sum to 0) gives null rates, and with `0` balanced accuracy follows scikit-learn
   * when a class is absent: the recall of the class present.
   */
  readonly zeroDivision?: ZeroDivision;
}

const NO_POSITIVES = 'no positives (tp + fn = 0)';
const NO_NEGATIVES = 'no negatives (fp + tn = 0)';
const NO_PREDICTED_POSITIVES = 'no predicted positives (tp + fp = 0)';
const NO_PREDICTED_NEGATIVES = 'no predicted negatives (tn + fn = 0)';
const NO_F1 = 'no actual or predicted positives (2tp + fp + fn = 0)';

/**
 * Every binary metric for every group, derived from confusion counts.
 * @example
 * const m = binaryMetrics(confusionByGroup(groups, 2, label, pred));
 * m.false_positive_rate[1] // { value: 0.25 } or { value: null, reason: 'no negatives (fp + tn = 0)' }
 */
export function binaryMetrics(counts: ConfusionCounts, options: BinaryMetricOptions = {}): BinaryMetrics {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const out = {} as Record<BinaryMetricId, MetricValue[]>;
  for (const id of BINARY_METRIC_IDS) {
    const values: MetricValue[] = new Array(counts.nGroups);
    for (let g = 0; g < counts.nGroups; g++) {
      values[g] = binaryMetric(id, counts.tp[g], counts.fp[g], counts.tn[g], counts.fn[g], counts.n[g], zeroDivision);
    }
    out[id] = values;
  }
  return out;
}

/**
 * One metric's values per group as numbers, NaN where undefined: the allocation-free path for
 * bootstrap loops and thresholds.
 */
export function binaryMetricValues(counts: ConfusionCounts, id: BinaryMetricId, options: BinaryMetricOptions = {}): Float64Array {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const out = new Float64Array(counts.nGroups);
  for (let g = 0; g < counts.nGroups; g++) {
    const v = binaryMetric(id, counts.tp[g], counts.fp[g], counts.tn[g], counts.fn[g], counts.n[g], zeroDivision).value;
    out[g] = v === null ? NaN : v;
  }
  return out;
}

/**
 * One binary metric from confusion cells (weighted sums) and the row count `n`.
 * Formulas: selection_rate (tp+fp)/W, accuracy (tp+tn)/W, base_rate (tp+fn)/W with W = tp+fp+tn+fn;
 * precision tp/(tp+fp); recall = true_positive_rate tp/(tp+fn); false_positive_rate fp/(fp+tn);
 * false_negative_rate fn/(tp+fn); true_negative_rate tn/(tn+fp); negative_predictive_value
 * tn/(tn+fn); false_discovery_rate fp/(tp+fp); false_omission_rate fn/(tn+fn);
 * f1 2tp/(2tp+fp+fn); balanced_accuracy (TPR+TNR)/2.
 */
export function binaryMetric(id: BinaryMetricId, tp: number, fp: number, tn: number, fn: number, n: number, zeroDivision: ZeroDivision = 'null'): MetricValue {
  switch (id) {
    case 'count':
      return { value: n };
    case 'tp':
      return { value: tp };
    case 'fp':
      return { value: fp };
    case 'tn':
      return { value: tn };
    case 'fn':
      return { value: fn };
    default:
      break;
  }
  const total = tp + fp + tn + fn;
  if (!(total > 0)) return { value: null, reason: n > 0 ? 'weights sum to 0' : 'empty group (no rows)' };
  switch (id) {
    case 'selection_rate':
      return { value: (tp + fp) / total };
    case 'accuracy':
      return { value: (tp + tn) / total };
    case 'base_rate':
      return { value: (tp + fn) / total };
    case 'precision':
      return ratio(tp, tp + fp, NO_PREDICTED_POSITIVES, zeroDivision);
    case 'recall':
    case 'true_positive_rate':
      return ratio(tp, tp + fn, NO_POSITIVES, zeroDivision);
    case 'false_positive_rate':
      return ratio(fp, fp + tn, NO_NEGATIVES, zeroDivision);
    case 'false_negative_rate':
      return ratio(fn, tp + fn, NO_POSITIVES, zeroDivision);
    case 'true_negative_rate':
      return ratio(tn, tn + fp, NO_NEGATIVES, zeroDivision);
    // scikit-learn and Fairlearn define no function for these three, so there is no convention of
    // theirs to follow: a zero denominator leaves them undefined whatever `zeroDivision` says.
    case 'negative_predictive_value':
      return ratio(tn, tn + fn, NO_PREDICTED_NEGATIVES, 'null');
    case 'false_discovery_rate':
      return ratio(fp, tp + fp, NO_PREDICTED_POSITIVES, 'null');
    case 'false_omission_rate':
      return ratio(fn, tn + fn, NO_PREDICTED_NEGATIVES, 'null');
    case 'f1':
      return ratio(2 * tp, 2 * tp + fp + fn, NO_F1, zeroDivision);
    case 'balanced_accuracy': {
      const pos = tp + fn;
      const neg = fp + tn;
      if (pos > 0 && neg > 0) return { value: (tp / pos + tn / neg) / 2 };
      if (zeroDivision === 'null') return { value: null, reason: pos > 0 ? NO_NEGATIVES : NO_POSITIVES };
      // scikit-learn's balanced_accuracy_score drops the recall of a class absent from y_true
      // (with a warning) and averages the rest: here, the recall of the one class present.
      return { value: pos > 0 ? tp / pos : tn / neg };
    }
  }
  throw new RangeError(`unknown binary metric: ${JSON.stringify(id)}`);
}

function ratio(num: number, den: number, reason: string, zeroDivision: ZeroDivision): MetricValue {
  if (den > 0) return { value: num / den };
  return zeroDivision === 0 ? { value: 0 } : { value: null, reason };
}

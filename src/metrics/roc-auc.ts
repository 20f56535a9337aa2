import type { MetricValue } from './metric-value.js';
import { first, overallScoreMetrics } from './overall-score.js';

/**
 * Area under the ROC curve of all rows, as scikit-learn's `roc_auc_score` (ties count ½, i.e.
 * the Mann–Whitney U / (P·N)); null with a reason when only one class is present. Rows with a
 * missing label (255) or NaN score are left out. For groups, use `scoreMetricsByGroup`.
 * @example rocAuc(new Uint8Array([0, 0, 1, 1]), new Float64Array([0.1, 0.4, 0.35, 0.8])) // { value: 0.75 }
 */
export function rocAuc(label: Uint8Array, score: Float64Array, weight?: Float64Array): MetricValue {
  return first(overallScoreMetrics(label, score, weight).roc_auc);
}

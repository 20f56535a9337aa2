import type { MetricValue } from './metric-value.js';
import { first, overallScoreMetrics } from './overall-score.js';

/**
 * Average precision of all rows, scikit-learn's `average_precision_score`: Σₙ (Rₙ − Rₙ₋₁) Pₙ over
 * the distinct score thresholds, without interpolation; null when there are no positives.
 * @example averagePrecision(new Uint8Array([0, 0, 1, 1]), new Float64Array([0.1, 0.4, 0.35, 0.8])) // { value: 0.8333… }
 */
export function averagePrecision(label: Uint8Array, score: Float64Array, weight?: Float64Array): MetricValue {
  return first(overallScoreMetrics(label, score, weight).average_precision);
}

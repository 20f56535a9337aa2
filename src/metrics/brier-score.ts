import type { MetricValue } from './metric-value.js';
import { first, overallScoreMetrics } from './overall-score.js';

/** Mean squared difference between probability and label (scikit-learn's `brier_score_loss`). */
export function brierScore(label: Uint8Array, score: Float64Array, weight?: Float64Array): MetricValue {
  return first(overallScoreMetrics(label, score, weight).brier_score);
}

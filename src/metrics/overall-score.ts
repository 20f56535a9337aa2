import type { MetricValue } from './metric-value.js';
import { rankByScore } from './rank.js';
import { type ScoreMetrics, scoreMetricsByGroup } from './score-metrics.js';

// Internal: the score metrics of all rows as one group, for the single-series helpers.
export function overallScoreMetrics(label: Uint8Array, score: Float64Array, weight: Float64Array | undefined, eps?: number): ScoreMetrics {
  const ranking = rankByScore(label, score, { weight, eps });
  return scoreMetricsByGroup(ranking, new Int32Array(label.length), 1);
}

export function first(values: MetricValue[]): MetricValue {
  return values[0];
}

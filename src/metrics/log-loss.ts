import type { MetricValue } from './metric-value.js';
import { first, overallScoreMetrics } from './overall-score.js';

/** Options for {@link logLoss}. */
export interface LogLossOptions {
  readonly weight?: Float64Array;
  /** Clipping: p is clipped to [eps, 1 − eps]; defaults to float64 epsilon (scikit-learn ≥ 1.2). */
  readonly eps?: number;
}

/**
 * Mean binary log loss (natural log) of probabilities `score` for labels 0/1, as scikit-learn
 * 1.2's `log_loss(y, p, labels=[0, 1])`: p clipped to [eps, 1 − eps], the row [1 − p, p]
 * renormalised, −log of the true class's probability, (weighted) mean over rows.
 */
export function logLoss(label: Uint8Array, score: Float64Array, options: LogLossOptions = {}): MetricValue {
  return first(overallScoreMetrics(label, score, options.weight, options.eps).log_loss);
}

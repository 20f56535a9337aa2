import { userError } from '../errors/index.js';
import { zForConfidence } from './normal-quantile.js';

/** A proportion with its confidence interval. */
export interface ProportionInterval {
  /** successes / trials. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
}

/** Options for {@link wilsonInterval}. */
export interface WilsonOptions {
  /** Two-sided confidence level; defaults to 0.95. */
  readonly confidence?: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson, 1927): the inversion of the score test,
 * well behaved near 0 and 1 and for small samples, unlike the Wald interval.
 * Returns null when `trials` is 0. Counts may be non-integer (weighted): they are used as given,
 * i.e. as frequency weights — for sampling weights prefer a bootstrap.
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
 *
 * @example wilsonInterval(5, 10) // { estimate: 0.5, lower: 0.2366, upper: 0.7634, confidence: 0.95 }
 */
export function wilsonInterval(successes: number, trials: number, options: WilsonOptions = {}): ProportionInterval | null {
  const { confidence = 0.95 } = options;
  const z = zForConfidence(confidence);
  if (!(trials >= 0) || !(successes >= 0) || successes > trials) {
    throw userError('invalid_proportion', `invalid proportion: ${successes} of ${trials} (expected 0 <= successes <= trials)`, { successes, trials });
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const denom = 1 + z2n;
  const centre = (p + z2n / 2) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  // Clamp rounding spill: the exact bounds are 0 when p = 0 and 1 when p = 1.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === trials ? 1 : Math.min(1, centre + half);
  return { estimate: p, lower, upper, confidence };
}

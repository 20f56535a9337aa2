/**
 * A metric's value for one group, or null with the reason it is undefined (no positives, empty
 * group…). `reason` may also accompany a number as a caveat (e.g. classes left out of an average).
 */
export interface MetricValue {
  readonly value: number | null;
  readonly reason?: string;
}

/**
 * What a rate does when its denominator is 0: `'null'` (Candor's default: null with a reason) or
 * `0` (the scikit-learn / Fairlearn convention, e.g. `precision_score(zero_division=0)` and
 * Fairlearn's `true_positive_rate`, which return 0 for a 0/0 rate).
 */
export type ZeroDivision = 'null' | 0;

/** A defined value. */
export function defined(value: number): MetricValue {
  return { value };
}

/** An undefined value with its reason. */
export function undefinedValue(reason: string): MetricValue {
  return { value: null, reason };
}

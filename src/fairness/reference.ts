import { userError } from '../errors/index.js';
import type { BinaryMetricId, BinaryMetrics } from '../metrics/binary.js';
import type { ConfusionCounts } from '../metrics/confusion.js';
import type { GroupValue } from './summarize.js';

/** One group's disparity against the reference group. */
export interface GroupDisparity {
  /** group value / reference value; 1 for the reference itself; null when undefined. */
  readonly ratio: number | null;
  /** Whether the ratio lies inside [lower, upper]; null when the ratio is undefined. */
  readonly pass: boolean | null;
  readonly reason?: string;
}

/** Disparities of one metric against a reference group (Aequitas style). */
export interface ReferenceDisparity {
  /** Reference group code; -1 when no group has rows. */
  readonly reference: number;
  readonly referenceValue: number | null;
  readonly lower: number;
  readonly upper: number;
  /** Indexed by group code. */
  readonly groups: GroupDisparity[];
}

/** Options for {@link referenceDisparity}. */
export interface ReferenceOptions {
  /** Reference group code; defaults to the largest group by `sizes`. */
  readonly reference?: number;
  /** Group sizes for choosing the default reference (e.g. `ConfusionCounts.n`). */
  readonly sizes?: ArrayLike<number>;
  /** Lower bound of the fair band; defaults to 0.8 (the four-fifths rule). */
  readonly lower?: number;
  /** Upper bound of the fair band; defaults to 1.25 (= 1 / 0.8). */
  readonly upper?: number;
}

/**
 * The largest group's code (first on ties), or -1 when every size is 0 or there are none.
 * @example largestGroup([10, 30, 30]) // 1
 */
export function largestGroup(sizes: ArrayLike<number>): number {
  let best = -1;
  let size = 0;
  for (let g = 0; g < sizes.length; g++) {
    if (sizes[g] > size) {
      size = sizes[g];
      best = g;
    }
  }
  return best;
}

/**
 * Each group's value divided by the reference group's, and whether the ratio falls in the fair
 * band [lower, upper] — the disparity test of Aequitas (Saleiro et al., 2018), with its default
 * τ = 0.8 band [0.8, 1.25]. A ratio is null when the group's value is undefined or the reference
 * value is undefined or 0. When the reference is left to `sizes` and no group has rows, every
 * ratio is null and `reference` is -1.
 */
export function referenceDisparity(values: ArrayLike<GroupValue>, options: ReferenceOptions = {}): ReferenceDisparity {
  const { lower = 0.8, upper = 1.25 } = options;
  if (!(lower > 0 && upper >= lower && Number.isFinite(upper))) {
    throw userError('invalid_option', `invalid disparity band: [${lower}, ${upper}] (expected 0 < lower <= upper, e.g. [0.8, 1.25])`, { lower, upper });
  }
  if (options.reference === undefined && options.sizes && largestGroup(options.sizes) < 0) {
    // No group has rows (an empty cohort): nothing to compare, which is data, not an error.
    const groups = Array.from({ length: values.length }, () => ({ ratio: null, pass: null, reason: 'no group has rows' }));
    return { reference: -1, referenceValue: null, lower, upper, groups };
  }
  const reference = options.reference ?? (options.sizes ? largestGroup(options.sizes) : -1);
  if (!(Number.isInteger(reference) && reference >= 0 && reference < values.length)) {
    throw userError('invalid_reference', `invalid reference group: ${reference} (expected a group code 0..${values.length - 1}, or sizes to pick the largest group)`, { reference });
  }
  const referenceValue = toNumber(values[reference]);
  const groups: GroupDisparity[] = [];
  for (let g = 0; g < values.length; g++) {
    const v = toNumber(values[g]);
    if (referenceValue === null) groups.push({ ratio: null, pass: null, reason: 'reference group value undefined' });
    else if (v === null) groups.push({ ratio: null, pass: null, reason: 'group value undefined' });
    else if (g === reference) groups.push({ ratio: 1, pass: true });
    else if (referenceValue === 0) groups.push({ ratio: null, pass: null, reason: 'reference group value is 0' });
    else {
      const ratio = v / referenceValue;
      groups.push({ ratio, pass: ratio >= lower && ratio <= upper });
    }
  }
  return { reference, referenceValue, lower, upper, groups };
}

/** The rate metrics Aequitas compares by default. */
export const DISPARITY_METRIC_IDS: readonly BinaryMetricId[] = [
  'selection_rate',
  'precision',
  'false_discovery_rate',
  'false_omission_rate',
  'false_positive_rate',
  'false_negative_rate',
  'true_positive_rate',
  'true_negative_rate',
  'negative_predictive_value',
  'accuracy',
];

/** Options for {@link disparityByReference}. */
export interface DisparityOptions extends Omit<ReferenceOptions, 'sizes'> {
  /** Metrics to compare; defaults to {@link DISPARITY_METRIC_IDS}. */
  readonly metrics?: readonly BinaryMetricId[];
}

/**
 * Reference-group disparities for several rate metrics at once; the default reference is the
 * group with the most rows.
 */
export function disparityByReference(counts: ConfusionCounts, metrics: BinaryMetrics, options: DisparityOptions = {}): Partial<Record<BinaryMetricId, ReferenceDisparity>> {
  const { metrics: ids = DISPARITY_METRIC_IDS, ...rest } = options;
  const out: Partial<Record<BinaryMetricId, ReferenceDisparity>> = {};
  for (const id of ids) out[id] = referenceDisparity(metrics[id], { ...rest, sizes: counts.n });
  return out;
}

function toNumber(v: GroupValue): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  return v.value === null || Number.isNaN(v.value) ? null : v.value;
}

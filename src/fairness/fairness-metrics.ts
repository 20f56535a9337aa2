import { binaryMetric } from '../metrics/binary.js';
import { type ConfusionCounts, poolGroups } from '../metrics/confusion.js';
import type { MetricValue, ZeroDivision } from '../metrics/metric-value.js';
import { checkZeroDivision } from '../metrics/validate.js';
import { type GroupSummary, summarizeGroups } from './summarize.js';

/** Fairness summary ids: Fairlearn's names; `_to_overall` for `method='to_overall'`, `_mean` for `agg='mean'`. */
export const FAIRNESS_METRIC_IDS = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equalized_odds_difference_mean',
  'equalized_odds_ratio_mean',
  'equal_opportunity_difference',
  'equal_opportunity_ratio',
  'demographic_parity_difference_to_overall',
  'demographic_parity_ratio_to_overall',
  'equalized_odds_difference_to_overall',
  'equalized_odds_ratio_to_overall',
  'equalized_odds_difference_mean_to_overall',
  'equalized_odds_ratio_mean_to_overall',
  'equal_opportunity_difference_to_overall',
  'equal_opportunity_ratio_to_overall',
] as const;

/** A fairness summary id. */
export type FairnessMetricId = (typeof FAIRNESS_METRIC_IDS)[number];

/** Describes a fairness summary for reports. */
export interface FairnessMetricInfo {
  readonly id: FairnessMetricId;
  readonly label: string;
  /** The value of perfect parity: 0 for differences, 1 for ratios. */
  readonly ideal: 0 | 1;
  /** The per-group rates it compares. */
  readonly basedOn: readonly ('selection_rate' | 'true_positive_rate' | 'false_positive_rate')[];
}

const BASE: Record<string, [string, FairnessMetricInfo['basedOn']]> = {
  demographic_parity: ['Demographic parity', ['selection_rate']],
  equalized_odds: ['Equalized odds', ['true_positive_rate', 'false_positive_rate']],
  equal_opportunity: ['Equal opportunity', ['true_positive_rate']],
};

/** Labels and ideal values of the fairness summaries. */
export const FAIRNESS_METRICS: Readonly<Record<FairnessMetricId, FairnessMetricInfo>> = Object.freeze(
  Object.fromEntries(
    FAIRNESS_METRIC_IDS.map((id) => {
      const base = id.replace(/_(difference|ratio).*$/, '');
      const [name, basedOn] = BASE[base];
      const ratio = id.includes('_ratio');
      const mean = id.includes('_mean');
      const toOverall = id.endsWith('_to_overall');
      const label = `${name} ${ratio ? 'ratio' : 'difference'}${mean ? ' (mean of TPR and FPR)' : ''}${toOverall ? ' to overall' : ''}`;
      return [id, Object.freeze({ id, label, ideal: ratio ? 1 : 0, basedOn })];
    }),
  ) as Record<FairnessMetricId, FairnessMetricInfo>,
);

/** Options for {@link fairnessMetrics}. */
export interface FairnessMetricOptions {
  /** Overall counts (one group) for the to-overall variants; defaults to the groups pooled. */
  readonly overall?: ConfusionCounts;
  /**
   * Rates with a zero denominator (a group without positives has no TPR): `'null'` (default)
   * leaves the group out; `0` counts the rate as 0, as Fairlearn does.
   */
  readonly zeroDivision?: ZeroDivision;
}

/** The fairness summaries with the per-rate group summaries they come from. */
export interface FairnessResult {
  readonly metrics: Record<FairnessMetricId, MetricValue>;
  readonly selectionRate: GroupSummary;
  readonly truePositiveRate: GroupSummary;
  readonly falsePositiveRate: GroupSummary;
}

/**
 * Fairlearn's fairness functions from confusion counts: demographic parity (selection rate),
 * equalized odds (TPR and FPR: the worse of the two — max of differences, min of ratios — as
 * Fairlearn 0.9 and 0.11's `agg='worst_case'`; `_mean` variants average them as 0.11's
 * `agg='mean'`) and equal opportunity (TPR), each between groups and to overall.
 * Equalized odds is null when either rate's aggregate is.
 * @example
 * const f = fairnessMetrics(confusionByGroup(race, 6, label, pred), { zeroDivision: 0 });
 * f.metrics.equalized_odds_difference // { value: 0.5766917293233083 }
 */
export function fairnessMetrics(counts: ConfusionCounts, options: FairnessMetricOptions = {}): FairnessResult {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 'null');
  const overall = options.overall ?? poolGroups(counts);
  if (overall.nGroups !== 1) throw new RangeError(`overall counts must have one group, got ${overall.nGroups}`);
  const summary = (id: 'selection_rate' | 'true_positive_rate' | 'false_positive_rate'): GroupSummary => {
    const values: MetricValue[] = [];
    for (let g = 0; g < counts.nGroups; g++) values.push(binaryMetric(id, counts.tp[g], counts.fp[g], counts.tn[g], counts.fn[g], counts.n[g], zeroDivision));
    return summarizeGroups(values, binaryMetric(id, overall.tp[0], overall.fp[0], overall.tn[0], overall.fn[0], overall.n[0], zeroDivision));
  };
  const sel = summary('selection_rate');
  const tpr = summary('true_positive_rate');
  const fpr = summary('false_positive_rate');
  const m = {} as Record<FairnessMetricId, MetricValue>;
  const put = (id: FairnessMetricId, value: number | null, reason: string | undefined) => {
    m[id] = value === null ? { value: null, reason: reason ?? 'undefined' } : { value };
  };
  for (const [suffix, d, r] of [
    ['', 'difference', 'ratio'],
    ['_to_overall', 'differenceToOverall', 'ratioToOverall'],
  ] as const) {
    put(`demographic_parity_difference${suffix}`, sel[d], sel.reasons[d]);
    put(`demographic_parity_ratio${suffix}`, sel[r], sel.reasons[r]);
    put(`equal_opportunity_difference${suffix}`, tpr[d], tpr.reasons[d]);
    put(`equal_opportunity_ratio${suffix}`, tpr[r], tpr.reasons[r]);
    const both = (key: typeof d | typeof r, f: (a: number, b: number) => number): [number | null, string | undefined] => {
      const a = tpr[key];
      const b = fpr[key];
      if (a === null) return [null, `true positive rate: ${tpr.reasons[key]}`];
      if (b === null) return [null, `false positive rate: ${fpr.reasons[key]}`];
      return [f(a, b), undefined];
    };
    put(`equalized_odds_difference${suffix}`, ...both(d, Math.max));
    put(`equalized_odds_ratio${suffix}`, ...both(r, Math.min));
    put(`equalized_odds_difference_mean${suffix}`, ...both(d, (a, b) => (a + b) / 2));
    put(`equalized_odds_ratio_mean${suffix}`, ...both(r, (a, b) => (a + b) / 2));
  }
  const metrics = {} as Record<FairnessMetricId, MetricValue>;
  for (const id of FAIRNESS_METRIC_IDS) metrics[id] = m[id];
  return { metrics, selectionRate: sel, truePositiveRate: tpr, falsePositiveRate: fpr };
}

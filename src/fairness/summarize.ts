import type { MetricValue } from '../metrics/metric-value.js';

/** A group's value: a number, null / NaN when undefined, or a {@link MetricValue}. */
export type GroupValue = number | null | MetricValue;

/**
 * How a metric varies across groups — Fairlearn `MetricFrame`'s aggregates. Indices refer to
 * group codes; a field is null (with an entry in `reasons`) when it is undefined.
 */
export interface GroupSummary {
  readonly overall: number | null;
  /** Smallest group value (`group_min`) and its group (the first on ties; -1 when none). */
  readonly groupMin: number | null;
  readonly groupMinIndex: number;
  /** Largest group value (`group_max`) and its group. */
  readonly groupMax: number | null;
  readonly groupMaxIndex: number;
  /** `difference(method='between_groups')`: max − min over groups. */
  readonly difference: number | null;
  /** `ratio(method='between_groups')`: min / max over groups. */
  readonly ratio: number | null;
  /** `difference(method='to_overall')`: max over groups of |group − overall|. */
  readonly differenceToOverall: number | null;
  /** `ratio(method='to_overall')`: min over groups of x = group/overall, taken as 1/x when x > 1. */
  readonly ratioToOverall: number | null;
  /** Groups whose value is undefined, left out of every aggregate. */
  readonly leftOut: number[];
  /** Why an aggregate is null. */
  readonly reasons: Partial<Record<'groupMin' | 'groupMax' | 'difference' | 'ratio' | 'differenceToOverall' | 'ratioToOverall', string>>;
}

/** Options for {@link summarizeGroups}. */
export interface SummarizeOptions {
  /**
   * Groups with an undefined value: `'omit'` (default; Fairlearn / pandas skip NaN) leaves them
   * out and lists them in `leftOut`; `'propagate'` makes every between-group and to-overall
   * aggregate null.
   */
  readonly nulls?: 'omit' | 'propagate';
}

/**
 * Summarises one metric's per-group values against each other and against the overall value, with
 * the semantics of Fairlearn's `MetricFrame` (0.9–0.11): `group_min`, `group_max`,
 * `difference()` and `ratio()` for both methods. Undefined group values are skipped. A ratio is
 * null where Fairlearn's is NaN or infinite: min/max with max = 0 (e.g. every group 0), or
 * to-overall when no group has a finite ratio.
 * @example
 * summarizeGroups([0.2, 0.5, null], 0.3)
 * // { difference: 0.3, ratio: 0.4, differenceToOverall: 0.2, ratioToOverall: 0.6, groupMinIndex: 0, leftOut: [2], … }
 */
export function summarizeGroups(values: ArrayLike<GroupValue>, overall: GroupValue, options: SummarizeOptions = {}): GroupSummary {
  const { nulls = 'omit' } = options;
  const o = toNumber(overall);
  const leftOut: number[] = [];
  let min = Infinity;
  let max = -Infinity;
  let minIndex = -1;
  let maxIndex = -1;
  let absDiff = -Infinity;
  let minRatio = Infinity;
  let ratioCount = 0;
  for (let g = 0; g < values.length; g++) {
    const v = toNumber(values[g]);
    if (v === null) {
      leftOut.push(g);
      continue;
    }
    if (v < min) {
      min = v;
      minIndex = g;
    }
    if (v > max) {
      max = v;
      maxIndex = g;
    }
    if (o !== null) {
      const d = Math.abs(v - o);
      if (d > absDiff) absDiff = d;
      // Fairlearn: x = group / overall; NaN (0/0) skipped; x > 1 → 1/x (infinity → 0).
      const x = v / o;
      if (!Number.isNaN(x)) {
        const r = x > 1 ? 1 / x : x;
        if (r < minRatio) minRatio = r;
        ratioCount++;
      }
    }
  }
  const reasons: { -readonly [K in keyof GroupSummary['reasons']]: string } = {};
  const any = minIndex >= 0;
  const noGroups = values.length === 0 ? 'no groups' : 'no group has a defined value';
  if (!any) {
    reasons.groupMin = noGroups;
    reasons.groupMax = noGroups;
  }
  const propagate = nulls === 'propagate' && leftOut.length > 0 ? `undefined for group(s) ${leftOut.join(', ')}` : null;
  let difference: number | null = null;
  let ratio: number | null = null;
  let differenceToOverall: number | null = null;
  let ratioToOverall: number | null = null;
  if (propagate !== null) {
    reasons.difference = reasons.ratio = reasons.differenceToOverall = reasons.ratioToOverall = propagate;
  } else if (!any) {
    reasons.difference = reasons.ratio = reasons.differenceToOverall = reasons.ratioToOverall = noGroups;
  } else {
    difference = max - min;
    const q = min / max;
    if (Number.isFinite(q)) ratio = q;
    else reasons.ratio = max === 0 && min === 0 ? 'every group is 0 (0/0)' : 'the largest group value is 0';
    if (o === null) {
      reasons.differenceToOverall = reasons.ratioToOverall = 'overall value undefined';
    } else {
      differenceToOverall = absDiff;
      if (ratioCount > 0 && Number.isFinite(minRatio)) ratioToOverall = minRatio;
      else reasons.ratioToOverall = ratioCount === 0 ? 'overall and every group are 0 (0/0)' : 'ratio to overall is infinite';
    }
  }
  return {
    overall: o,
    groupMin: any ? min : null,
    groupMinIndex: minIndex,
    groupMax: any ? max : null,
    groupMaxIndex: maxIndex,
    difference,
    ratio,
    differenceToOverall,
    ratioToOverall,
    leftOut,
    reasons,
  };
}

function toNumber(v: GroupValue): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  const x = v.value;
  return x === null || Number.isNaN(x) ? null : x;
}

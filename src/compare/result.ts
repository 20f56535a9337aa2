import type { Warning } from '../report/insights.js';
import type { RegressionAnalysis } from './regressions.js';

/** Direction of a difference: `up`/`down` when its interval excludes 0, `same` when it contains 0. */
export type Mark = 'up' | 'down' | 'same';

/** A candidate's difference to the baseline in one metric (candidate − baseline). */
export interface MetricDelta {
  /** The difference of the point values; null when either is undefined. */
  value: number | null;
  /** Paired bootstrap percentile interval; null without bootstrap, or for a score metric unless both models have a score. */
  interval: [number, number] | null;
  /** From the interval; null when there is none. `up` means the metric grew (better or worse depends on the metric). */
  mark: Mark | null;
}

/** Metrics of every model and each candidate's differences to the baseline over one set of rows. */
export interface ScopeComparison {
  /** Rows compared (those with a label and every model's prediction). */
  count: number;
  /** Model name → metric id → value. */
  metrics: Record<string, Record<string, number | null>>;
  /** Candidate name → metric id → difference to the baseline. */
  deltas: Record<string, Record<string, MetricDelta>>;
}

export interface CohortComparison extends ScopeComparison {
  name: string;
  expression: string;
}

export interface GroupComparison extends ScopeComparison {
  by: string[];
  key: Record<string, string>;
}

/** A disparity between the groups of one grouping (max − min, min / max, as Fairlearn's between_groups). */
export interface DisparityComparison {
  by: string[];
  metric: string;
  /** Model name → its difference and ratio between groups. */
  values: Record<string, { difference: number | null; ratio: number | null }>;
  /** Candidate name → change of the difference and of the ratio against the baseline. */
  deltas: Record<string, { difference: MetricDelta; ratio: MetricDelta }>;
}

/** Backward compatibility of a candidate with the baseline over one set of rows (see {@link compatibilityOf}). */
export interface Compatibility {
  baseline: string;
  model: string;
  /** The cohort's name; null for all rows (and for a group). */
  cohort: string | null;
  /** The sensitive group, or null. */
  group: Record<string, string> | null;
  btc: number | null;
  bec: number | null;
  btcInterval: [number, number] | null;
  becInterval: [number, number] | null;
  /** Rows the baseline got right and the candidate gets wrong. */
  newErrors: number;
  count: number;
}

/** The "new errors" cohort of a candidate: rows the baseline got right and it gets wrong. */
export interface NewErrors {
  baseline: string;
  model: string;
  count: number;
  /** 1 per row in the cohort, in table row order (not JSON: {@link comparisonDocument} leaves it out). */
  mask: Uint8Array;
}

/** What {@link compareModels} returns. */
export interface Comparison {
  schemaVersion: 1;
  models: { name: string; pred: string; score: string | null }[];
  baseline: string;
  rows: number;
  config: { label: string; sensitive: string[][]; where: string | null; bootstrap: number; seed: number; confidence: number; intervals: 'paired-bootstrap-percentile' | 'none' };
  overall: ScopeComparison;
  cohorts: CohortComparison[];
  groups: GroupComparison[];
  disparities: DisparityComparison[];
  compatibility: Compatibility[];
  newErrors: NewErrors[];
  /** Per candidate, where its new errors are (with the `regressions` option). */
  regressions?: RegressionAnalysis[];
  warnings: Warning[];
}

/** The comparison as a JSON document: the row masks of the new-errors cohorts become counts. */
export function comparisonDocument(comparison: Comparison): Omit<Comparison, 'newErrors'> & { newErrors: Omit<NewErrors, 'mask'>[] } {
  return { ...comparison, newErrors: comparison.newErrors.map(({ mask: _mask, ...rest }) => rest) };
}

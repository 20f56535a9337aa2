// What the engine returns to the page: plain JSON (structured-clonable), one type per request.
import type { ErrorHeatMap, ErrorTree, Insights } from '../../../src/index.js';
import type { ColumnInfo, RowValues } from '../../../src/dashboard/protocol.js';

export type Interval = [number, number];

/** Metrics of one set of rows (the cohort, or one of its groups). */
export interface MetricsBlock {
  /** Rows analysed (unweighted). */
  count: number;
  metrics: Record<string, number | null>;
  /** Why a metric is null. */
  reasons: Record<string, string>;
  /** Intervals known so far (Wilson for proportions at first; bootstrap once the full assessment lands). */
  ci: Record<string, Interval>;
}

export interface GroupBlock extends MetricsBlock {
  key: Record<string, string>;
  /** `A | B`: the group's name. */
  label: string;
}

export interface GroupingBlock {
  by: string[];
  groups: GroupBlock[];
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ScoreHistogram {
  /** Bin edges (bins + 1). */
  edges: number[];
  positives: number[];
  negatives: number[];
}

export interface ThresholdCurve {
  thresholds: number[];
  selection_rate: (number | null)[];
  true_positive_rate: (number | null)[];
  false_positive_rate: (number | null)[];
  precision: (number | null)[];
}

/** The model overview of a cohort at a threshold. */
export interface Overview {
  cohort: string;
  threshold: number | null;
  task: 'binary' | 'multiclass' | 'regression';
  /** Binary: the label values read as positive and negative. */
  classes: { positive: string; negative: string | null } | null;
  /** Rows matching the cohort (in the data) and rows analysed among them. */
  matched: number;
  overall: MetricsBlock & { confusion: Confusion | null };
  groupings: GroupingBlock[];
  scores: ScoreHistogram | null;
  curve: ThresholdCurve | null;
  /** Milliseconds spent in the engine, by stage. */
  timings: Record<string, number>;
  /** Intervals: `wilson` until the bootstrap assessment replaces them. */
  intervals: 'wilson' | 'bootstrap' | 'none';
  warnings: string[];
}

/** One grouping's fairness picture. */
export interface FairnessGrouping {
  by: string[];
  reference: { key: Record<string, string>; label: string } | null;
  band: [number, number];
  groups: {
    key: Record<string, string>;
    label: string;
    count: number;
    metrics: Record<string, number | null>;
    /** metric -> group/reference ratio, and whether it lies in the band. */
    ratio: Record<string, number | null>;
    pass: Record<string, boolean | null>;
  }[];
  /** Fairlearn's summaries (demographic parity difference…). */
  summaries: Record<string, number | null>;
  /** Per metric: max − min and min / max across groups. */
  disparities: { metric: string; difference: number | null; ratio: number | null; min: string | null; max: string | null }[];
}

export interface Fairness {
  cohort: string;
  threshold: number | null;
  groupings: FairnessGrouping[];
}

/** Full `assess` output for a cohort (bootstrap intervals), as `candor assess --where` gives it. */
export interface Assessment {
  cohort: string;
  threshold: number | null;
  insights: Insights;
  ms: number;
}

export interface ErrorTreeResult {
  cohort: string;
  threshold: number | null;
  tree: ErrorTree;
  ms: number;
}

export interface HeatMapResult {
  cohort: string;
  threshold: number | null;
  heatmap: ErrorHeatMap;
  ms: number;
}

/** A window of the data explorer's rows. */
export interface RowsPage {
  cohort: string;
  total: number;
  offset: number;
  /** Columns shown: the data's, then the derived prediction and error. */
  columns: { name: string; type: ColumnInfo['type'] | 'derived' }[];
  rows: { index: number; values: (number | string | boolean | null)[] }[];
}

export interface Histogram {
  column: string;
  /** Bin labels (numeric ranges or categories). */
  bins: string[];
  /** The series (e.g. label values, predicted values, correct/error) and each bin's count. */
  series: { name: string; counts: number[] }[];
  rows: number;
}

export interface Scatter {
  x: string;
  y: string;
  /** Sampled points [x, y, series index]; categorical axes give category indices. */
  points: [number, number, number][];
  series: string[];
  xCategories: string[] | null;
  yCategories: string[] | null;
  sampled: number;
  of: number;
}

export interface ValueSuggestions {
  column: string;
  type: ColumnInfo['type'];
  /** Most frequent values (categorical, boolean), with counts. */
  values: { value: string; count: number }[];
  /** Numeric summary. */
  numeric: { min: number; max: number; quantiles: number[]; missing: number } | null;
}

export interface Validation {
  ok: boolean;
  /** Canonical text of the expression. */
  normalized?: string;
  count?: number;
  message?: string;
  /** Character position of the error, when the parser or type checker gives one. */
  position?: number;
}

export interface Neighbour {
  index: number;
  distance: number;
  prediction: string | null;
  score: number | null;
  /** Features whose values differ from the query row, with this row's value. */
  differences: { feature: string; value: number | string | boolean | null }[];
}

export interface RowResult {
  index: number;
  values: RowValues;
  label: string | null;
  prediction: string | null;
  score: number | null;
}

import { z } from 'zod';
import { ComparisonDocument } from '../compare/schema.js';
import { Explanations } from '../explain/schema.js';
import { AppliedMitigation, MitigationResult } from '../mitigate/schema.js';
import { INSIGHTS_SCHEMA_VERSION } from '../version.js';

/**
 * The insights document (`insights.json`): every analysis's plain-JSON result, versioned. The HTML
 * report, the dashboard, comparisons and the tracker read this one artifact, so a run can be
 * re-rendered without recomputing. Fields may be added; none may be renamed or change meaning.
 */
export { INSIGHTS_SCHEMA_VERSION };

const metricValue = z.number().nullable();
/** Metric id (Fairlearn's snake_case name) -> value; null when undefined for that group. */
export const MetricValues = z.record(z.string(), metricValue);
/** A confidence interval [lower, upper]. */
export const Interval = z.tuple([z.number(), z.number()]);
/** Metric id -> interval. */
export const MetricIntervals = z.record(z.string(), Interval);

/** A non-fatal problem carried in the result and shown by every surface. */
export const Warning = z.object({
  code: z.string(),
  message: z.string(),
  by: z.array(z.string()).optional(),
  key: z.record(z.string(), z.string()).optional(),
  metric: z.string().optional(),
  cohort: z.string().optional(),
  count: z.number().optional(),
});
export type Warning = z.infer<typeof Warning>;

/** Why a metric is null for a group (e.g. "no negatives (fp + tn = 0)"). */
export const NullReasons = z.record(z.string(), z.string());

export const GroupResult = z.object({
  by: z.array(z.string()),
  key: z.record(z.string(), z.string()),
  count: z.number(),
  metrics: MetricValues,
  ci: MetricIntervals,
  reasons: NullReasons.optional(),
  warnings: z.array(Warning),
});
export type GroupResult = z.infer<typeof GroupResult>;

const groupRef = z.object({ value: z.number(), group: z.record(z.string(), z.string()) });

export const Disparity = z.object({
  by: z.array(z.string()),
  metric: z.string(),
  /** max − min over groups (Fairlearn's difference, method "between_groups"). */
  difference: metricValue,
  /** min / max over groups. */
  ratio: metricValue,
  /** max over groups of |group − overall|. */
  difference_to_overall: metricValue,
  /** min over groups of min(group/overall, overall/group). */
  ratio_to_overall: metricValue,
  min: groupRef.nullable(),
  max: groupRef.nullable(),
  /** Intervals of `difference` and `ratio` from the bootstrap resamples. */
  ci: z.object({ difference: Interval.optional(), ratio: Interval.optional() }),
  /** Groups left out because the metric is undefined for them. */
  excluded: z.array(z.record(z.string(), z.string())),
});
export type Disparity = z.infer<typeof Disparity>;

export const FairnessSummary = z
  .object({ by: z.array(z.string()), ci: MetricIntervals.optional() })
  .catchall(z.union([z.number(), z.null(), z.array(z.string()), MetricIntervals]));
export type FairnessSummary = z.infer<typeof FairnessSummary>;

export const ReferenceResult = z.object({
  by: z.array(z.string()),
  group: z.record(z.string(), z.string()),
  /** The pass band for group/reference ratios, e.g. [0.8, 1.25]. */
  band: z.tuple([z.number(), z.number()]),
  /** Group label ("A | B" for intersections) -> metric -> group value / reference value. */
  disparity: z.record(z.string(), z.record(z.string(), metricValue)),
  /** Group label -> metric -> ratio inside the band. */
  pass: z.record(z.string(), z.record(z.string(), z.boolean().nullable())),
});
export type ReferenceResult = z.infer<typeof ReferenceResult>;

export const CohortResult = z.object({
  name: z.string(),
  expression: z.string(),
  count: z.number(),
  metrics: MetricValues,
  ci: MetricIntervals.optional(),
  reasons: NullReasons.optional(),
  warnings: z.array(Warning).optional(),
});
export type CohortResult = z.infer<typeof CohortResult>;

const point = z.tuple([z.number(), z.number()]);
export const Curves = z.object({
  /** Empty for the overall curves. */
  by: z.array(z.string()),
  key: z.record(z.string(), z.string()),
  /** [false positive rate, true positive rate] points. */
  roc: z.array(point),
  /** [recall, precision] points. */
  pr: z.array(point),
  calibration: z.array(z.object({ lower: z.number(), upper: z.number(), meanScore: z.number().nullable(), observedRate: z.number().nullable(), count: z.number() })),
  /** Metrics at each threshold. */
  thresholds: z.array(z.object({ threshold: z.number() }).catchall(metricValue)),
});
export type Curves = z.infer<typeof Curves>;

/** One node of the error tree: a cohort (its expression selects exactly its rows) with its error. */
export const ErrorTreeNode = z.object({
  id: z.number(),
  /** The parent's id, or null for the root. */
  parent: z.number().nullable(),
  depth: z.number(),
  /** Children ids `[left, right]`, or null for a leaf. */
  children: z.tuple([z.number(), z.number()]).nullable(),
  /** The column the node splits on (null for a leaf). */
  split: z.string().nullable(),
  /** A cohort expression over the raw columns selecting exactly the node's rows (`true` for the root). */
  expression: z.string(),
  /** Rows analysed in the node (sum of weights when weighted). */
  rows: z.number(),
  /** Misclassified rows (classification) or the sum of absolute errors (regression). */
  errors: z.number(),
  /** errors / rows: the misclassification rate, or the mean absolute error; null for an empty node. */
  errorRate: z.number().nullable(),
  /** Share of all errors that fall in the node; null when there are none. */
  coverage: z.number().nullable(),
  /** Count-based metrics of the node (accuracy, precision… or mae, rmse…). */
  metrics: MetricValues,
});
export type ErrorTreeNode = z.infer<typeof ErrorTreeNode>;

export const ErrorTree = z.object({
  task: z.enum(['binary', 'multiclass', 'regression']),
  features: z.array(z.string()),
  maxDepth: z.number(),
  maxLeaves: z.number(),
  minLeafRows: z.number(),
  where: z.string().optional(),
  /** Nodes in id order, root first. */
  nodes: z.array(ErrorTreeNode),
  warnings: z.array(Warning),
});
export type ErrorTree = z.infer<typeof ErrorTree>;

/** A cohort with its error: a heat-map cell or a ranked worst cohort. */
export const ErrorCell = z.object({
  expression: z.string(),
  rows: z.number(),
  errors: z.number(),
  errorRate: z.number().nullable(),
});

export const ErrorHeatMap = z.object({
  features: z.array(z.string()),
  binning: z.enum(['equal', 'quantile']),
  /** One axis per feature: its bins in order, each with a label and the expression selecting it. */
  axes: z.array(z.object({ feature: z.string(), bins: z.array(z.object({ label: z.string(), expression: z.string() })) })),
  /** Cells with at least one row: `index` gives the bin on each axis. */
  cells: z.array(ErrorCell.extend({ index: z.array(z.number()) })),
  warnings: z.array(Warning),
});
export type ErrorHeatMap = z.infer<typeof ErrorHeatMap>;

export const WorstCohort = ErrorCell.extend({
  /** Where the cohort comes from: an error-tree node, a one-feature slice or a two-feature slice. */
  source: z.enum(['tree', 'slice', 'pair']),
  /** Confidence interval of the error rate. */
  ci: Interval.nullable(),
  /** errorRate / the overall error rate. */
  lift: z.number().nullable(),
});
export type WorstCohort = z.infer<typeof WorstCohort>;

export const WorstCohorts = z.object({
  overallErrorRate: z.number().nullable(),
  minRows: z.number(),
  /** `bootstrap` (seeded, percentile) or `wilson` intervals. */
  interval: z.object({ method: z.enum(['bootstrap', 'wilson']), confidence: z.number(), resamples: z.number().optional(), seed: z.number().optional() }),
  /** Candidate cohorts considered (after removing duplicates with identical rows). */
  candidates: z.number(),
  cohorts: z.array(WorstCohort),
});
export type WorstCohorts = z.infer<typeof WorstCohorts>;

/** Error analysis: the error tree, an optional heat map and the worst cohorts. */
export const ErrorAnalysis = z.object({
  tree: ErrorTree,
  heatmap: ErrorHeatMap.optional(),
  worstCohorts: WorstCohorts.optional(),
});
export type ErrorAnalysis = z.infer<typeof ErrorAnalysis>;

export const Insights = z.object({
  schemaVersion: z.literal(INSIGHTS_SCHEMA_VERSION),
  generator: z.object({ name: z.string(), version: z.string() }).optional(),
  task: z.enum(['binary', 'multiclass', 'regression']),
  /** Rows analysed (after `--where`, before dropping rows with a missing label or prediction). */
  rows: z.number(),
  source: z
    .object({
      file: z.string().optional(),
      rowsRead: z.number().optional(),
      where: z.string().nullable().optional(),
    })
    .optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  overall: MetricValues,
  overallCi: MetricIntervals.optional(),
  overallReasons: NullReasons.optional(),
  groups: z.array(GroupResult),
  disparities: z.array(Disparity),
  fairness: z.array(FairnessSummary),
  reference: z.array(ReferenceResult),
  cohorts: z.array(CohortResult),
  curves: z.array(Curves).optional(),
  /** The assessed rows' columns: type, role and how many values are missing. */
  data: z
    .object({
      columns: z.array(z.object({ name: z.string(), type: z.string(), role: z.string(), missing: z.number() })),
    })
    .optional(),
  warnings: z.array(Warning).optional(),
  /** Error analysis (`candor errors`, `assess --errors`). */
  errorAnalysis: ErrorAnalysis.optional(),
  /** Explanations through the model (`assess --explain`): global, per-cohort importance and dependence plots. */
  explanations: Explanations.optional(),
  /** Before/after comparisons of mitigations (`candor mitigate …`), side by side (methods, eps values). */
  mitigations: z.array(MitigationResult).optional(),
  /** The mitigation `assess --mitigation` applied to the predictions. */
  mitigation: AppliedMitigation.optional(),
  /** Model versions compared on the same rows (`candor compare --out`): the comparison document. */
  comparison: ComparisonDocument.optional(),
});
export type Insights = z.infer<typeof Insights>;

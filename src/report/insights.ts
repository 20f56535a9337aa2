import { z } from 'zod';
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
});
export type Insights = z.infer<typeof Insights>;

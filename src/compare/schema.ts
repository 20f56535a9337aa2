import { z } from 'zod';

// The insights schema embeds this document (`insights.comparison`), so this file must not import
// it back: a warning is checked for the fields every warning has, and keeps the others.
const Warning = z.object({ code: z.string(), message: z.string() }).passthrough();

const Interval = z.tuple([z.number(), z.number()]);
const Value = z.number().nullable();
const Key = z.record(z.string(), z.string());

/** A candidate's difference to the baseline in one metric. */
export const MetricDeltaSchema = z.object({ value: Value, interval: Interval.nullable(), mark: z.enum(['up', 'down', 'same']).nullable() });

const Scope = {
  count: z.number(),
  metrics: z.record(z.string(), z.record(z.string(), Value)),
  deltas: z.record(z.string(), z.record(z.string(), MetricDeltaSchema)),
};

/** Where a candidate's new errors are: the surrogate tree's cohorts (see `regressionAnalysis`). */
export const RegressionAnalysisSchema = z.object({
  baseline: z.string(),
  model: z.string(),
  features: z.array(z.string()),
  rows: z.number(),
  newErrors: z.number(),
  regressionRate: Value,
  tree: z.object({ maxDepth: z.number(), maxLeaves: z.number(), minLeafRows: z.number(), nodes: z.number() }),
  minRows: z.number(),
  confidence: z.number(),
  cohorts: z.array(
    z.object({
      expression: z.string(),
      rows: z.number(),
      newErrors: z.number(),
      regressionRate: z.number(),
      ci: Interval.nullable(),
      lift: Value,
      coverage: Value,
    }),
  ),
  warnings: z.array(Warning),
});

/**
 * The comparison document — what `candor compare --json` prints and {@link comparisonDocument}
 * returns: schema version 1. Differences are candidate − baseline.
 */
export const ComparisonDocument = z.object({
  schemaVersion: z.literal(1),
  models: z.array(z.object({ name: z.string(), pred: z.string(), score: z.string().nullable() })),
  baseline: z.string(),
  rows: z.number(),
  config: z.object({
    label: z.string(),
    sensitive: z.array(z.array(z.string())),
    where: z.string().nullable(),
    bootstrap: z.number(),
    seed: z.number(),
    confidence: z.number(),
    intervals: z.enum(['paired-bootstrap-percentile', 'none']),
  }),
  overall: z.object(Scope),
  cohorts: z.array(z.object({ ...Scope, name: z.string(), expression: z.string() })),
  groups: z.array(z.object({ ...Scope, by: z.array(z.string()), key: Key })),
  disparities: z.array(
    z.object({
      by: z.array(z.string()),
      metric: z.string(),
      values: z.record(z.string(), z.object({ difference: Value, ratio: Value })),
      deltas: z.record(z.string(), z.object({ difference: MetricDeltaSchema, ratio: MetricDeltaSchema })),
    }),
  ),
  compatibility: z.array(
    z.object({
      baseline: z.string(),
      model: z.string(),
      cohort: z.string().nullable(),
      group: Key.nullable(),
      btc: Value,
      bec: Value,
      btcInterval: Interval.nullable(),
      becInterval: Interval.nullable(),
      newErrors: z.number(),
      count: z.number(),
    }),
  ),
  newErrors: z.array(z.object({ baseline: z.string(), model: z.string(), count: z.number() })),
  /** Present when the new errors were described (`compare --regressions`, the default with feature columns). */
  regressions: z.array(RegressionAnalysisSchema).optional(),
  warnings: z.array(Warning),
});
export type ComparisonDocument = z.infer<typeof ComparisonDocument>;

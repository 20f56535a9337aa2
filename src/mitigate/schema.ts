import { z } from 'zod';

// The insights schema embeds these documents (`insights.mitigations`, `insights.mitigation`), so
// this file must not import it back: a warning is checked for the fields every warning has.
const Warning = z.object({ code: z.string(), message: z.string() }).passthrough();
const Interval = z.tuple([z.number(), z.number()]);
const Value = z.number().nullable();
const Key = z.record(z.string(), z.string());

/** After − before, with a paired bootstrap interval (null without bootstrap, or where undefined). */
export const MitigationDelta = z.object({ value: Value, interval: Interval.nullable() });
export type MitigationDelta = z.infer<typeof MitigationDelta>;

/** One metric before and after the mitigation, each with its interval, and the change. */
export const BeforeAfterValue = z.object({
  before: Value,
  after: Value,
  beforeCi: Interval.nullable(),
  afterCi: Interval.nullable(),
  delta: MitigationDelta,
});
export type BeforeAfterValue = z.infer<typeof BeforeAfterValue>;

const Scope = { count: z.number(), metrics: z.record(z.string(), BeforeAfterValue) };

/** A trade-off point: overall accuracy and a disparity. */
const TradeoffPoint = z.object({ accuracy: Value, disparity: Value });

/**
 * A mitigation's before/after comparison on one set of rows (`insights.mitigations[]`): metrics
 * overall and per group, disparities between groups, the accuracy it cost, and the point it adds
 * to the accuracy–disparity trade-off plot. Several entries (methods, `eps` values) sit side by side.
 */
export const MitigationResult = z.object({
  /** Short name shown in tables and the plot, e.g. "threshold optimizer, demographic parity". */
  name: z.string(),
  /** `threshold_optimizer`, `exponentiated_gradient`, `reweigh`… */
  method: z.string(),
  /** The method's settings (constraint, objective, eps…). */
  params: z.record(z.string(), z.unknown()),
  task: z.enum(['binary', 'multiclass']),
  /**
   * Where the comparison was computed; `training` when no separate evaluation data was given;
   * `where`: only the rows where this expression is true (a cohort, or the rows a rule was fitted on).
   */
  data: z.object({ file: z.string().nullable(), rows: z.number(), split: z.enum(['evaluation', 'training']), note: z.string().optional(), where: z.string().optional() }),
  /** The "after" metrics are the expected (probability-weighted) metrics of a randomised rule. */
  expected: z.boolean(),
  intervals: z.object({ method: z.enum(['paired-bootstrap-percentile', 'none']), resamples: z.number(), seed: z.number(), confidence: z.number() }),
  /** Metric ids compared, in display order. */
  metrics: z.array(z.string()),
  overall: z.object(Scope),
  groups: z.array(z.object({ by: z.array(z.string()), key: Key, ...Scope })),
  /** Disparities between the groups of each grouping (Fairlearn's fairness summaries, or max − min of a rate). */
  disparities: z.array(z.object({ by: z.array(z.string()), metric: z.string() }).extend(BeforeAfterValue.shape)),
  /** Overall accuracy before − after (positive = accuracy lost), with the paired interval. */
  accuracyCost: z.object({ metric: z.string(), before: Value, after: Value, cost: Value, interval: Interval.nullable() }),
  /** The disparity the trade-off plot uses (the one the mitigation targets) and the two points. */
  tradeoff: z.object({ disparity: z.string(), by: z.array(z.string()), before: TradeoffPoint, after: TradeoffPoint }).nullable(),
  warnings: z.array(Warning),
});
export type MitigationResult = z.infer<typeof MitigationResult>;

/**
 * A mitigation applied by `candor assess --mitigation` (`insights.mitigation`): which rule, whether
 * the reported metrics are expected or one seeded draw, and — for a draw — the expected metrics
 * beside it.
 */
export const AppliedMitigation = z.object({
  file: z.string().nullable(),
  method: z.string(),
  constraint: z.string(),
  task: z.enum(['binary', 'multiclass']),
  randomized: z.boolean(),
  /** `expected`: probability-weighted metrics; `draw`: one seeded randomised draw; `deterministic`: the rule has no randomness. */
  mode: z.enum(['expected', 'draw', 'deterministic']),
  seed: z.number().nullable(),
  expected: z
    .object({
      overall: z.record(z.string(), Value),
      groups: z.array(z.object({ by: z.array(z.string()), key: Key, count: z.number(), metrics: z.record(z.string(), Value) })),
      fairness: z.array(z.object({ by: z.array(z.string()) }).catchall(z.unknown())),
    })
    .nullable(),
});
export type AppliedMitigation = z.infer<typeof AppliedMitigation>;

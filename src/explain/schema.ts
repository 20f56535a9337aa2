import { z } from 'zod';

// The insights schema embeds this document (`insights.explanations`), so this file must not import
// it back (as compare/schema.ts).

/** An explicit, seeded row sample: `rows` of `of` rows drawn with `seed`. Null: every row. */
const Sample = z.object({ rows: z.number(), seed: z.number(), of: z.number() }).nullable();

/**
 * Global importance from SHAP values: mean |SHAP| per feature (per output) over the explained rows,
 * as `candor explain --method treeshap|kernelshap --json` prints it.
 */
export const ShapGlobalImportance = z.object({
  method: z.enum(['treeshap', 'kernelshap']),
  /** What the contributions add up to: the raw margin (log-odds), a probability, or the value. */
  space: z.string(),
  /** Rows explained. */
  rows: z.number(),
  sample: Sample,
  features: z.array(z.string()),
  /** Explained outputs (the positive class of a binary model, every class of a multiclass one, `value`). */
  outputs: z.array(z.string()),
  expectedValue: z.array(z.number().nullable()),
  /** Per output, per feature (in `features` order): mean |SHAP|; null when the model gave no number (NaN) for some explained row. */
  meanAbs: z.array(z.array(z.number().nullable())),
  /** TreeSHAP on ONNX trees: whether node covers came from the model or were counted on the data. */
  covers: z.object({ source: z.enum(['model', 'data']), rows: z.number().optional() }).optional(),
  /** KernelSHAP: the background set (sampled, k-means centroids…). */
  background: z
    .object({
      method: z.enum(['sample', 'all', 'kmeans', 'given']),
      rows: z.number(),
      of: z.number(),
      seed: z.number().nullable(),
      clustered: Sample.optional(),
    })
    .optional(),
  /** KernelSHAP: coalitions per row at most. */
  budget: z.number().optional(),
  /** KernelSHAP: the seed of the background and coalition sampling. */
  seed: z.number().optional(),
  coalitions: z.object({ exhaustiveRows: z.number(), sampledRows: z.number(), evaluated: z.number() }).optional(),
  /** KernelSHAP: synthetic rows scored by the model. */
  modelRows: z.number().optional(),
  workers: z.number().optional(),
});
export type ShapGlobalImportance = z.infer<typeof ShapGlobalImportance>;

/** Permutation importance with its spread over repeats, as `candor explain --method permutation --json` prints it. */
export const PermutationResult = z.object({
  method: z.literal('permutation'),
  metric: z.string(),
  higherIsBetter: z.boolean(),
  baseline: z.number(),
  repeats: z.number(),
  seed: z.number(),
  rows: z.number(),
  sample: Sample,
  /** Features by decreasing mean drop; `std` over the repeats (population). */
  features: z.array(z.object({ name: z.string(), mean: z.number().nullable(), std: z.number().nullable(), values: z.array(z.number().nullable()) })),
});
export type PermutationResult = z.infer<typeof PermutationResult>;

/** Mean |SHAP| per cohort, side by side with every explained row. */
export const CohortImportanceResult = z.object({
  features: z.array(z.string()),
  outputs: z.array(z.string()),
  overall: z.object({ rows: z.number(), meanAbs: z.array(z.array(z.number().nullable())) }),
  cohorts: z.array(
    z.object({
      name: z.string(),
      expression: z.string(),
      /** `worst`: a worst cohort of the error analysis; `cohort`: a named `--cohort`. */
      source: z.enum(['worst', 'cohort']),
      /** Explained rows in the cohort. */
      rows: z.number(),
      meanAbs: z.array(z.array(z.number().nullable())).nullable(),
      reason: z.string().optional(),
    }),
  ),
});
export type CohortImportanceResult = z.infer<typeof CohortImportanceResult>;

/**
 * A dependence plot: partial dependence averaged over `rows` of `of` rows, and ICE curves of a
 * smaller seeded sample of rows drawn faintly behind it.
 */
export const DependencePlot = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  /** What the curves hold: a class probability, the share predicted as the class, or the value. */
  output: z.enum(['probability', 'predicted_share', 'value']),
  class: z.string().nullable(),
  grid: z.array(z.union([z.number(), z.string()])),
  /** Null where the model gave no number (e.g. a model that outputs NaN for a missing value). */
  average: z.array(z.number().nullable()),
  /** Rows the average is over, of how many, and the seed when they were sampled. */
  rows: z.number(),
  of: z.number(),
  seed: z.number(),
  /** One curve per traced row (`curves[r][g]`), the traced data rows, and the seed of their sample. */
  ice: z.object({ rows: z.number(), seed: z.number(), rowIndices: z.array(z.number()), curves: z.array(z.array(z.number().nullable())) }).nullable(),
});
export type DependencePlot = z.infer<typeof DependencePlot>;

/** The explanations `candor assess --explain` adds to the insights document. */
export const Explanations = z.object({
  /** The model explained (its name and task). */
  model: z.string(),
  /** Data rows the explanations are on (after `--where`). */
  rows: z.number(),
  seed: z.number(),
  shap: ShapGlobalImportance.optional(),
  permutation: PermutationResult.optional(),
  /** Per-cohort importance (needs SHAP): the worst cohorts of the error analysis and the named cohorts. */
  cohorts: CohortImportanceResult.optional(),
  /** Dependence plots of the most important features. */
  dependence: z.array(DependencePlot).optional(),
  /** What was left out, and why (a default method that does not apply to this model or data). */
  notes: z.array(z.string()).optional(),
});
export type Explanations = z.infer<typeof Explanations>;

import type { Cohort } from '../cohort/index.js';

/** The kind of model output being assessed. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** Options of {@link assess}. Every field except `label` is optional and documented with its default. */
export interface AssessOptions {
  /** The label: a column name, or a boolean expression in the cohort language (`income = '>50K'`). */
  label: string;
  /** The predicted label: a column name or a boolean expression (`decile_score >= 5`). Defaults to `score >= threshold` when only `score` is given. */
  pred?: string;
  /** Score column(s): one probability-like column for binary tasks; one per class (in class order) for multiclass. */
  score?: string | string[];
  /** Threshold turning `score` into a prediction (`score >= threshold`) when `pred` is absent. Defaults to 0.5. */
  threshold?: number;
  /** Task; inferred from the label and prediction when absent. */
  task?: Task;
  /** The label value that counts as positive in a binary task. Defaults to the larger of two values (scikit-learn's convention), or 1/true. */
  positive?: string;
  /** Sensitive groupings: each entry is one analysis; several columns in one entry mean their intersection. Defaults to none. */
  sensitive?: string[][];
  /** Reference group per grouping, keyed by the grouping's columns joined with `,` (`{ race: 'Caucasian' }` or `{ 'race,sex': 'Caucasian | Male' }`). Defaults to the largest group. */
  reference?: Record<string, string>;
  /** Named cohorts whose metrics are reported alongside the groups. */
  cohorts?: Cohort[];
  /** Only rows where this expression is true are assessed. */
  where?: string;
  /** Sample-weight column. */
  weight?: string;
  /** Bootstrap resamples for confidence intervals; 0 turns bootstrap off (Wilson intervals for proportions instead). Defaults to 1000. */
  bootstrap?: number;
  /**
   * Bootstraps that resample rows (score metrics; every metric of regression and multiclass tasks)
   * cost O(rows) per resample: above this many rows they run on a seeded sample, with intervals
   * scaled to the full data (m-out-of-n bootstrap) and a warning saying so. Defaults to 200,000.
   */
  bootstrapRowLimit?: number;
  /** Seed for every random choice (bootstrap, sampling). Defaults to 0. */
  seed?: number;
  /** Confidence level of intervals. Defaults to 0.95. */
  confidence?: number;
  /**
   * How a rate with a zero denominator is reported: `null` (with a reason; default) or `0`
   * (scikit-learn/Fairlearn's zero_division=0, for the metrics they define: NPV, FDR and FOR stay null).
   */
  zeroDivision?: 'null' | 0;
  /** Groups with fewer rows are flagged. Defaults to 30. */
  minGroupSize?: number;
  /** Pass band for ratios against the reference group. Defaults to [0.8, 1.25]. */
  band?: [number, number];
  /** A sensitive column with more distinct values is refused. Defaults to 1000. */
  maxGroups?: number;
  /** Threshold points for per-group threshold curves. Defaults to 101. */
  thresholdPoints?: number;
  /** Bins of the calibration curves. Defaults to 10. */
  calibrationBins?: number;
  /** Compute threshold, ROC, PR and calibration curves when there is a score. Defaults to true. */
  curves?: boolean;
  /** Called with progress in [0, 1] during long work. */
  onProgress?: (fraction: number, stage: string) => void;
}

import type { Cohort } from '../cohort/index.js';
import type { RegressionOptions } from './regressions.js';

/** One model being compared: a name and where its predictions are. */
export interface CompareModel {
  /** The model's name in the output (`v1`, `candidate`). */
  name: string;
  /** The predicted label: a column name or a boolean expression (`y_score >= 0.3`). */
  pred: string;
  /** A score column, for the score metrics (ROC AUC…; their deltas get intervals when the baseline has a score too). */
  score?: string;
}

/** Options of {@link compareModels}. */
export interface CompareOptions {
  /** The label: a column name, or a boolean expression in the cohort language. */
  label: string;
  /** The models, at least one; names must be unique. */
  models: CompareModel[];
  /** The model every other one is compared with. Defaults to the first. */
  baseline?: string;
  /** The label value that counts as positive. Defaults as in `assess`. */
  positive?: string;
  /** Sensitive groupings, as in `assess` (`[['race'], ['race', 'sex']]`). Defaults to none. */
  sensitive?: string[][];
  /** Named cohorts compared alongside the overall rows. Defaults to none. */
  cohorts?: Cohort[];
  /** Only rows where this expression is true are compared. */
  where?: string;
  /** Paired bootstrap resamples for the intervals of the differences; 0 = no intervals (and no marks). Defaults to 1000. */
  bootstrap?: number;
  /** Seed of the bootstrap. Defaults to 0. */
  seed?: number;
  /** Confidence level of the intervals. Defaults to 0.95. */
  confidence?: number;
  /** A sensitive column with more distinct values is refused. Defaults to 1000. */
  maxGroups?: number;
  /**
   * The paired row bootstrap of the score metrics runs on at most this many rows per scope: above
   * it, on a seeded sample, its spread scaled to the full size (with a warning). Defaults to 200,000.
   */
  bootstrapRowLimit?: number;
  /**
   * Describe each candidate's new errors (rows the baseline got right that it gets wrong) with the
   * error tree: `true` for the defaults, or the tree's options. Defaults to false.
   */
  regressions?: boolean | RegressionOptions;
}

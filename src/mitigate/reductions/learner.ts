import type { Model } from '../../model/index.js';
import type { Table } from '../../table/index.js';

/** The training rows a {@link Learner} is bound to. */
export interface LearnerData {
  /** Training rows (the reduction's: missing labels already left out). */
  readonly table: Table;
  readonly features: readonly string[];
  /** Binary: `[negative, positive]`, the classes the fitted models report. Empty for regression. */
  readonly classes: readonly string[];
  /** Seed for learners that draw random numbers. */
  readonly seed: number;
}

/** One fit of a bound learner. */
export interface Fitted {
  /** The fitted model: binary with classes `[negative, positive]` (its labels are the decisions), or regression. */
  readonly model: Model;
  /** Its predictions on the training rows: 0/1 decisions (binary) or values (regression). */
  readonly train: Float64Array;
  /** Solver state a later fit may start from (a warm start); undefined when the learner has none. */
  readonly state?: unknown;
}

/** A learner bound to its training rows: encodes or bins them once, then fits any number of times. */
export interface BoundLearner {
  /**
   * Fits on the bound rows with these targets (0/1 for binary, numbers for regression) and
   * non-negative weights (they sum to the row count). `warm` is the `state` of an earlier fit on
   * a nearby problem, to start from.
   */
  fit(target: Float64Array, weight: Float64Array, warm?: unknown): Fitted;
}

/**
 * A learner the reductions call as their best-response oracle: anything that fits a weighted
 * binary classifier (or regressor) on the same rows again and again with new labels and weights.
 * Built in: {@link logisticLearner}, {@link gbdtLearner} and {@link linearLearner}.
 */
export interface Learner {
  /** A short name (`logistic`, `gbdt`, `linear`). */
  readonly name: string;
  readonly task: 'binary' | 'regression';
  bind(data: LearnerData): BoundLearner;
}

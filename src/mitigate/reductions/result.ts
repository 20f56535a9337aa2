import type { Hypothesis } from './lagrangian.js';
import type { MomentValues } from './moments.js';
import type { Problem } from './problem.js';

/** One predictor a reduction found: plain JSON data. */
export interface ReductionPredictor {
  /** The multipliers it was the best response to (in the order of the result's `constraints`). */
  readonly lambda: readonly number[];
  /** Training error (binary: share of wrong decisions) or mean loss. */
  readonly error: number;
  /** Training moments γ_j. */
  readonly gamma: readonly number[];
  /** Largest γ_j − bound_j: positive when a constraint is violated. */
  readonly violation: number;
  /** Weight in the returned mixture (exponentiated gradient) or 1 for the chosen predictor (grid search). */
  readonly weight: number;
  /** A constant predictor (the re-labelled rows had one class). */
  readonly constant: boolean;
  /** The learner's model name. */
  readonly model: string;
}

/** Error and moments of the returned model on the training rows. */
export interface TrainingSummary {
  readonly error: number;
  /** γ_j by constraint name. */
  readonly gamma: Readonly<Record<string, number>>;
  /** Largest γ_j − bound_j (≤ 0: every constraint holds on the training rows). */
  readonly violation: number;
}

export function violationOf(gamma: ArrayLike<number>, bound: ArrayLike<number>): number {
  let worst = -Infinity;
  for (let j = 0; j < bound.length; j++) worst = Math.max(worst, gamma[j] - bound[j]);
  return worst;
}

export function summarizePredictors(hs: readonly Hypothesis[], weights: ArrayLike<number>, bound: ArrayLike<number>): ReductionPredictor[] {
  return hs.map((h, k) => ({
    lambda: Array.from(h.lambda),
    error: h.error,
    gamma: Array.from(h.gamma),
    violation: violationOf(h.gamma, bound),
    weight: weights[k] ?? 0,
    constant: h.constant,
    model: h.model.name,
  }));
}

export function trainingSummary(problem: Problem, values: MomentValues): TrainingSummary {
  const { moments } = problem;
  const gamma: Record<string, number> = {};
  moments.names.forEach((name, j) => (gamma[name] = values.gamma[j]));
  return { error: values.error, gamma, violation: violationOf(values.gamma, moments.bound) };
}

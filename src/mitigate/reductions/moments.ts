import { userError } from '../../errors/index.js';

/** Constraints on a binary classifier's decisions (Agarwal et al., 2018, section 2). */
export type ClassificationConstraint = 'demographic_parity' | 'equalized_odds' | 'true_positive_rate_parity' | 'false_positive_rate_parity' | 'error_rate_parity';

/** Constraints on a regressor's losses (Agarwal, Dudík & Wu, 2019, section 2). */
export type RegressionConstraint = 'bounded_group_loss';

/** Every constraint the reductions accept, by its Fairlearn-style name. */
export type ReductionConstraint = ClassificationConstraint | RegressionConstraint;

export const CLASSIFICATION_CONSTRAINTS: readonly ClassificationConstraint[] = ['demographic_parity', 'equalized_odds', 'true_positive_rate_parity', 'false_positive_rate_parity', 'error_rate_parity'];
export const REDUCTION_CONSTRAINTS: readonly ReductionConstraint[] = [...CLASSIFICATION_CONSTRAINTS, 'bounded_group_loss'];

/** The loss of a bounded-group-loss constraint: `squared` (y − ŷ)² or `absolute` |y − ŷ|. */
export type RegressionLoss = 'squared' | 'absolute';

/** The objective value and constraint moments of one predictor (or a mixture) on the training rows. */
export interface MomentValues {
  /** Classification error (share of wrong decisions) or mean loss. */
  readonly error: number;
  /** γ_j, one per constraint: the constraint is γ_j ≤ bound_j. */
  readonly gamma: Float64Array;
}

/**
 * A constraint set as linear moments of a predictor's training predictions — what the Lagrangian
 * `L(h, λ) = error(h) + Σ_j λ_j (γ_j(h) − bound_j)` needs: the moments of a predictor, and the
 * per-row weights of the cost-sensitive problem whose solution minimises L over h for fixed λ.
 */
export interface Moments {
  readonly task: 'binary' | 'regression';
  readonly constraint: ReductionConstraint;
  /** Training rows. */
  readonly n: number;
  /** One name per constraint row, e.g. `+ label=1, sex=Female`. */
  readonly names: readonly string[];
  /** Right-hand side of each constraint. */
  readonly bound: Float64Array;
  /** The sensitive groups, in index order. */
  readonly groups: readonly string[];
  /** Objective and moments of training predictions: 0/1 decisions or P(positive) (binary), values (regression). */
  evaluate(pred: ArrayLike<number>): MomentValues;
  /**
   * Per-row weights of the reduced problem for multipliers `lambda` (scaled by n, as Fairlearn's):
   * binary — the gain in L of deciding positive instead of negative (relabel to its sign, weight by
   * its size); regression — the weight of each row's loss. `objective` adds the error's own term.
   */
  signedWeights(lambda: Float64Array, out: Float64Array, objective?: boolean): Float64Array;
  /** Multipliers giving the same Lagrangian with no opposite pair both positive (`+`/`−` netted). */
  project(lambda: Float64Array): Float64Array;
  /**
   * The grid-search basis: one dimension per direction of a non-redundant constraint; a positive
   * coordinate sets `positive[d]`, a negative one `negative[d]` (−1: negative values not allowed).
   */
  readonly basis: { readonly positive: Int32Array; readonly negative: Int32Array };
  /** Whether the objective is a combination of the moments (bounded group loss): grid points then have L1 norm `gridLimit` and the objective is not added. */
  readonly objectiveInSpan: boolean;
}

/** Sorted distinct group keys and each row's group index. */
export interface GroupIndex {
  readonly groups: readonly string[];
  readonly group: Int32Array;
}

/**
 * Parity constraints of a binary classifier's decisions: for each event e (all rows; or rows with
 * label y) and group a, γ = E[u(h) | event e, A = a] − E[u(h) | event e] with utility u(h) = h
 * (demographic parity, equalized odds, TPR/FPR parity) or u(h) = 1{h ≠ y} (error-rate parity),
 * bounded by ±eps: `+` rows are γ ≤ eps, `−` rows −γ ≤ eps. Events of a group with no rows are left out.
 */
export function classificationMoments(constraint: ClassificationConstraint, y: Uint8Array, groups: GroupIndex, eps: number): Moments {
  if (!CLASSIFICATION_CONSTRAINTS.includes(constraint)) {
    throw userError('invalid_option', `invalid constraint: ${JSON.stringify(constraint)} (expected ${CLASSIFICATION_CONSTRAINTS.join(', ')})`, { option: 'constraint' });
  }
  if (!(eps >= 0) || !Number.isFinite(eps)) throw userError('invalid_option', `invalid eps: ${eps} (expected a number ≥ 0)`, { option: 'eps' });
  const n = y.length;
  const G = groups.groups.length;
  // Events: 0 = every row; or 0 = label 0, 1 = label 1.
  const eventNames = constraint === 'equalized_odds' ? ['label=0', 'label=1'] : constraint === 'true_positive_rate_parity' ? ['label=1'] : constraint === 'false_positive_rate_parity' ? ['label=0'] : ['all'];
  const E = eventNames.length;
  const event = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (constraint === 'equalized_odds') event[i] = y[i];
    else if (constraint === 'true_positive_rate_parity') event[i] = y[i] === 1 ? 0 : -1;
    else if (constraint === 'false_positive_rate_parity') event[i] = y[i] === 0 ? 0 : -1;
    else event[i] = 0;
  }
  const errorParity = constraint === 'error_rate_parity';
  const cellCount = new Float64Array(E * G);
  const eventCount = new Float64Array(E);
  for (let i = 0; i < n; i++) {
    const e = event[i];
    if (e < 0) continue;
    cellCount[e * G + groups.group[i]]++;
    eventCount[e]++;
  }
  // Constraint cells: the (event, group) pairs with rows; `cellOf` maps e*G+g to the cell or -1.
  const cellOf = new Int32Array(E * G).fill(-1);
  const cells: number[] = [];
  for (let k = 0; k < E * G; k++) {
    if (cellCount[k] > 0) {
      cellOf[k] = cells.length;
      cells.push(k);
    }
  }
  const C = cells.length;
  if (C === 0) throw userError('empty_training_set', `cannot apply ${constraint}: no training rows fall in its events (${eventNames.join(', ')})`, {});
  const names: string[] = [];
  for (const sign of ['+', '-']) for (const k of cells) names.push(`${sign} ${eventNames[Math.floor(k / G)]}, ${groups.groups[k % G]}`);
  const bound = new Float64Array(2 * C).fill(eps);
  const positive: number[] = [];
  const negative: number[] = [];
  for (let e = 0; e < E; e++) {
    // The last group's constraint of each event follows from the others (their weighted sum is 0).
    const present = cells.filter((k) => Math.floor(k / G) === e);
    for (const k of present.slice(0, -1)) {
      positive.push(cellOf[k]);
      negative.push(C + cellOf[k]);
    }
  }

  const evaluate = (pred: ArrayLike<number>): MomentValues => {
    if (pred.length !== n) throw new Error(`expected ${n} predictions, got ${pred.length}`);
    const cellSum = new Float64Array(E * G);
    const eventSum = new Float64Array(E);
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const p = pred[i];
      const err = y[i] === 1 ? 1 - p : p;
      wrong += err;
      const e = event[i];
      if (e < 0) continue;
      const u = errorParity ? err : p;
      cellSum[e * G + groups.group[i]] += u;
      eventSum[e] += u;
    }
    const gamma = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      const k = cells[c];
      const e = Math.floor(k / G);
      const g = cellSum[k] / cellCount[k] - eventSum[e] / eventCount[e];
      gamma[c] = g;
      gamma[C + c] = -g;
    }
    return { error: wrong / n, gamma };
  };

  const signedWeights = (lambda: Float64Array, out: Float64Array, objective = true): Float64Array => {
    // adjust[e*G+g] = Σ_g' λnet(e, g') / P(e) − λnet(e, g) / P(e, g): the gain, per unit of utility,
    // of raising a row's utility in cell (e, g) — minus the coefficient of h_i in Σ λ·γ, times n.
    const adjust = new Float64Array(E * G);
    const eventLambda = new Float64Array(E);
    for (let c = 0; c < C; c++) eventLambda[Math.floor(cells[c] / G)] += lambda[c] - lambda[C + c];
    for (let c = 0; c < C; c++) {
      const k = cells[c];
      const e = Math.floor(k / G);
      adjust[k] = (eventLambda[e] * n) / eventCount[e] - ((lambda[c] - lambda[C + c]) * n) / cellCount[k];
    }
    for (let i = 0; i < n; i++) {
      // Error rate: deciding positive gains 2y − 1 (n times its share of the mean error).
      let s = objective ? 2 * y[i] - 1 : 0;
      const e = event[i];
      if (e >= 0) s += (errorParity ? 1 - 2 * y[i] : 1) * adjust[e * G + groups.group[i]];
      out[i] = s;
    }
    return out;
  };

  const project = (lambda: Float64Array): Float64Array => {
    const out = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      const d = lambda[c] - lambda[C + c];
      out[c] = Math.max(d, 0);
      out[C + c] = Math.max(-d, 0);
    }
    return out;
  };

  return {
    task: 'binary',
    constraint,
    n,
    names,
    bound,
    groups: groups.groups,
    evaluate,
    signedWeights,
    project,
    basis: { positive: Int32Array.from(positive), negative: Int32Array.from(negative) },
    objectiveInSpan: false,
  };
}

/**
 * Bounded group loss of a regressor: for each group a, γ_a = E[loss(y, ŷ) | A = a] ≤ upperBound.
 * The objective is the mean loss, which is Σ_a P(a)·γ_a: in the span of the moments.
 */
export function boundedGroupLoss(target: Float64Array, groups: GroupIndex, upperBound: number, loss: RegressionLoss = 'squared'): Moments {
  if (!(upperBound >= 0) || !Number.isFinite(upperBound)) throw userError('invalid_option', `invalid upperBound: ${upperBound} (expected a number ≥ 0: the largest mean loss allowed in any group)`, { option: 'upperBound' });
  if (loss !== 'squared' && loss !== 'absolute') throw userError('invalid_option', `invalid loss: ${JSON.stringify(loss)} (expected "squared" or "absolute")`, { option: 'loss' });
  const n = target.length;
  const G = groups.groups.length;
  const count = new Float64Array(G);
  for (let i = 0; i < n; i++) count[groups.group[i]]++;
  const evaluate = (pred: ArrayLike<number>): MomentValues => {
    if (pred.length !== n) throw new Error(`expected ${n} predictions, got ${pred.length}`);
    const sum = new Float64Array(G);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = pred[i] - target[i];
      const l = loss === 'squared' ? d * d : Math.abs(d);
      sum[groups.group[i]] += l;
      total += l;
    }
    const gamma = new Float64Array(G);
    for (let g = 0; g < G; g++) gamma[g] = count[g] > 0 ? sum[g] / count[g] : 0;
    return { error: total / n, gamma };
  };
  const signedWeights = (lambda: Float64Array, out: Float64Array, objective = true): Float64Array => {
    for (let i = 0; i < n; i++) {
      const g = groups.group[i];
      out[i] = (objective ? 1 : 0) + (lambda[g] * n) / count[g];
    }
    return out;
  };
  return {
    task: 'regression',
    constraint: 'bounded_group_loss',
    n,
    names: groups.groups.map((g) => `loss, ${g}`),
    bound: new Float64Array(G).fill(upperBound),
    groups: groups.groups,
    evaluate,
    signedWeights,
    project: (lambda) => Float64Array.from(lambda, (v) => Math.max(v, 0)),
    basis: { positive: Int32Array.from(groups.groups, (_, g) => g), negative: new Int32Array(G).fill(-1) },
    objectiveInSpan: true,
  };
}

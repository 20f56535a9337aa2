import type { Model, ModelInput } from '../../model/index.js';
import type { BoundLearner } from './learner.js';
import { solveLagrangianLp } from './linprog.js';
import { constantModel } from './mixture.js';
import type { Moments } from './moments.js';

/** Improvements of the Lagrangian smaller than this do not count (Fairlearn's `_PRECISION`). */
export const PRECISION = 1e-8;

/** One predictor the best-response oracle returned. */
export interface Hypothesis {
  readonly model: Model;
  /** Predictions on the training rows (0/1 decisions or values). */
  readonly train: Float64Array;
  readonly error: number;
  readonly gamma: Float64Array;
  /** The multipliers it was the best response to. */
  readonly lambda: Float64Array;
  /** Whether the re-labelled problem had one class, so the predictor is a constant. */
  readonly constant: boolean;
}

/** The value of the Lagrangian at (Q, λ) and the bounds that make up the duality gap. */
export interface GapResult {
  /** L(Q, λ̂). */
  readonly L: number;
  /** The least L(h, λ̂) over the best responses tried: a lower bound on min_Q L(Q, λ̂). */
  L_low: number;
  /** max_λ L(Q, λ) over ‖λ‖₁ ≤ B: error + B·(largest violation, if positive). */
  readonly L_high: number;
  readonly gamma: Float64Array;
  readonly error: number;
}

export function gap(r: GapResult): number {
  return Math.max(r.L - r.L_low, r.L_high - r.L);
}

/**
 * The Lagrangian `L(Q, λ) = error(Q) + Σ_j λ_j (γ_j(Q) − bound_j)` of a constrained learning
 * problem (Agarwal et al., 2018, section 3) and its best-response oracle: for fixed λ, L is linear
 * in a classifier's decisions, so minimising it is a cost-sensitive classification problem —
 * label each row by the sign of its gain from deciding positive and weight it by the gain's size
 * (for regression, weight each row's loss) — which the learner solves. Keeps every distinct
 * predictor found, with its error and moments, for the mixtures and linear programs built on them.
 */
export class Lagrangian {
  readonly hs: Hypothesis[] = [];
  /** Calls of the oracle (including repeats answered from the cache and constant predictors). */
  oracleCalls = 0;
  /** Fits the learner actually ran. */
  learnerFits = 0;
  private readonly cache = new Map<string, Hypothesis>();
  private readonly warm: { lambda: Float64Array; state: unknown }[] = [];
  private readonly weights: Float64Array;
  private readonly targets: Float64Array;
  private lastLp: { hs: number; result: { Q: Float64Array; lambda: Float64Array; gap: GapResult } } | null = null;

  constructor(
    readonly moments: Moments,
    private readonly learner: BoundLearner,
    /** 0/1 labels (binary) or values (regression) of the training rows. */
    private readonly target: Float64Array,
    readonly B: number,
    private readonly classes: readonly string[],
    private readonly inputs: readonly ModelInput[],
  ) {
    this.weights = new Float64Array(moments.n);
    this.targets = new Float64Array(moments.n);
  }

  /**
   * The best response to `lambda`: the learner fitted to the re-weighted (and, binary, re-labelled)
   * rows, with the objective's own term unless `objective` is false (grid search over moments whose
   * span holds the objective). Repeated multipliers are answered from a cache.
   */
  oracle(lambda: Float64Array, objective = true): Hypothesis {
    this.oracleCalls++;
    const key = `${objective ? 1 : 0}:${Array.from(lambda).join(',')}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { moments } = this;
    const n = moments.n;
    const s = moments.signedWeights(lambda, this.weights, objective);
    const y = this.targets;
    let total = 0;
    let positives = 0;
    if (moments.task === 'binary') {
      for (let i = 0; i < n; i++) {
        const v = s[i];
        y[i] = v > 0 ? 1 : 0;
        positives += y[i];
        s[i] = Math.abs(v);
        total += s[i];
      }
    } else {
      y.set(this.target);
      for (let i = 0; i < n; i++) total += s[i];
    }
    // Weights summing to n keep the learner's regularisation where an unweighted fit has it.
    if (total < PRECISION) s.fill(1);
    else for (let i = 0; i < n; i++) s[i] = (s[i] * n) / total;
    let h: Hypothesis;
    if (moments.task === 'binary' && (positives === 0 || positives === n)) {
      const c = positives === 0 ? 0 : 1;
      const train = new Float64Array(n).fill(c);
      h = { model: constantModel('binary', this.classes, c, this.inputs), train, ...moments.evaluate(train), lambda: Float64Array.from(lambda), constant: true };
    } else {
      const fitted = this.learner.fit(y, s, this.nearestState(lambda));
      this.learnerFits++;
      if (fitted.state !== undefined) this.warm.push({ lambda: Float64Array.from(lambda), state: fitted.state });
      h = { model: fitted.model, train: fitted.train, ...moments.evaluate(fitted.train), lambda: Float64Array.from(lambda), constant: false };
    }
    this.cache.set(key, h);
    return h;
  }

  /** The solver state of the fit whose multipliers are nearest (L1) to `lambda`. */
  private nearestState(lambda: Float64Array): unknown {
    let best: unknown;
    let bestDistance = Infinity;
    for (const w of this.warm) {
      let d = 0;
      for (let j = 0; j < lambda.length; j++) d += Math.abs(w.lambda[j] - lambda[j]);
      if (d < bestDistance) {
        bestDistance = d;
        best = w.state;
      }
    }
    return best;
  }

  private value(h: Hypothesis, lambda: Float64Array): number {
    let v = h.error;
    for (let j = 0; j < lambda.length; j++) v += h.gamma[j] * lambda[j];
    return v;
  }

  /**
   * Calls the oracle for `lambda` and returns the index in {@link hs} of the predictor with the
   * least `error + γ·λ`: the new one, kept only when it improves on every earlier one by more
   * than {@link PRECISION}, or the best earlier one.
   */
  bestH(lambda: Float64Array): number {
    const h = this.oracle(lambda);
    const hValue = this.value(h, lambda);
    let bestIdx = -1;
    let bestValue = Infinity;
    for (let k = 0; k < this.hs.length; k++) {
      const v = this.value(this.hs[k], lambda);
      if (v < bestValue) {
        bestValue = v;
        bestIdx = k;
      }
    }
    if (hValue < bestValue - PRECISION) {
      this.hs.push(h);
      return this.hs.length - 1;
    }
    return bestIdx;
  }

  /** Error and moments of the mixture Q (one weight per entry of {@link hs}, or fewer: the first ones). */
  mixture(Q: ArrayLike<number>): { error: number; gamma: Float64Array } {
    const m = this.moments.bound.length;
    const gamma = new Float64Array(m);
    let error = 0;
    for (let k = 0; k < Q.length; k++) {
      const q = Q[k];
      if (q === 0) continue;
      const h = this.hs[k];
      error += q * h.error;
      for (let j = 0; j < m; j++) gamma[j] += q * h.gamma[j];
    }
    return { error, gamma };
  }

  /** L(Q, λ) with λ projected, and L_high = max over ‖λ‖₁ ≤ B. */
  evaluate(Q: ArrayLike<number>, lambda: Float64Array): { L: number; L_high: number; gamma: Float64Array; error: number } {
    const { error, gamma } = this.mixture(Q);
    const { bound } = this.moments;
    const projected = this.moments.project(lambda);
    let L = error;
    let worst = -Infinity;
    for (let j = 0; j < bound.length; j++) {
      L += projected[j] * (gamma[j] - bound[j]);
      worst = Math.max(worst, gamma[j] - bound[j]);
    }
    return { L, L_high: error + (worst > 0 ? this.B * worst : 0), gamma, error };
  }

  /**
   * The duality gap of (Q, λ̂): L_low is the least L(h, λ̂) over best responses to λ̂, 2λ̂, 5λ̂ and
   * 10λ̂, stopping once the gap exceeds `nu` (Fairlearn's `eval_gap`).
   */
  evalGap(Q: ArrayLike<number>, lambdaHat: Float64Array, nu: number): GapResult {
    const { L, L_high, gamma, error } = this.evaluate(Q, lambdaHat);
    const result: GapResult = { L, L_low: L, L_high, gamma, error };
    for (const mul of [1, 2, 5, 10]) {
      const idx = this.bestH(Float64Array.from(lambdaHat, (v) => mul * v));
      const single = new Float64Array(this.hs.length);
      single[idx] = 1;
      const low = this.evaluate(single, lambdaHat).L;
      if (low < result.L_low) result.L_low = low;
      if (gap(result) > nu + PRECISION) break;
    }
    return result;
  }

  /** The saddle point over the predictors found so far, by linear programming, with its gap; reused while no predictor is added. */
  solveLinprog(nu: number): { Q: Float64Array; lambda: Float64Array; gap: GapResult } {
    if (this.lastLp && this.lastLp.hs === this.hs.length) return this.lastLp.result;
    const hs = this.hs.length;
    const { Q, lambda } = solveLagrangianLp(
      this.hs.map((h) => h.error),
      this.hs.map((h) => h.gamma),
      this.moments.bound,
      this.B,
    );
    const result = { Q, lambda, gap: this.evalGap(Q, lambda, nu) };
    this.lastLp = { hs, result };
    return result;
  }
}
